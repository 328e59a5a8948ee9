"""briefkit: one bilingual plan in YAML -> a validated press pack of PDF and Word documents."""

from __future__ import annotations

__version__ = "0.1.0"

from .pipeline import BuildOptions, build, build_packs  # noqa: E402
from .validate import load_plan  # noqa: E402

__all__ = ["BuildOptions", "__version__", "build", "build_packs", "load_plan"]
