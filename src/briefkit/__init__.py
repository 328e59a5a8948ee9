"""briefkit: one bilingual plan in YAML -> a validated press pack of PDF and Word documents."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:  # pyproject.toml is the one place the version is written
    __version__ = version("briefkit")
except PackageNotFoundError:  # a source tree run without installing it
    __version__ = "0+unknown"

from .pipeline import BuildOptions, build, build_packs  # noqa: E402
from .validate import load_plan  # noqa: E402

__all__ = ["BuildOptions", "__version__", "build", "build_packs", "load_plan"]
