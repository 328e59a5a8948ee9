"""briefkit: one bilingual plan in YAML -> a validated press pack of PDF and Word documents."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .pipeline import BuildOptions, build, build_packs
    from .validate import load_plan

    __version__: str

__all__ = ["BuildOptions", "__version__", "build", "build_packs", "load_plan"]


def __getattr__(name: str) -> Any:
    """The version and the API on first use: the command line imports the package, and a build its stamp
    answers must load neither the pipeline nor importlib.metadata (a tenth of a second together with email)."""
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:  # pyproject.toml is the one place the version is written
            __version__ = version("briefkit")
        except PackageNotFoundError:  # a source tree run without installing it
            __version__ = "0+unknown"
        globals()[name] = __version__
        return __version__
    if name in ("BuildOptions", "build", "build_packs"):
        from . import pipeline

        return getattr(pipeline, name)
    if name == "load_plan":
        from .validate import load_plan

        return load_plan
    raise AttributeError(f"module 'briefkit' has no attribute {name!r}")
