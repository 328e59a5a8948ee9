"""Template folders, most specific first -> the file each name resolves to.

Lookup works like mkdocs' custom_dir: a plan folder's templates/, then the
project's templates/ (or --templates DIR), then the defaults shipped inside
the package. Overriding one file overrides only that file. A name never
resolves outside the folder it was found in (no symlink or ../ escapes).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from pathlib import Path

# In a wheel the defaults are package data (pyproject maps the repository's templates/ and
# schema/ to briefkit/_defaults/); in a source checkout they are those folders themselves.
_PACKAGED = Path(__file__).resolve().parent / "_defaults"
_CHECKOUT = Path(__file__).resolve().parents[2]


def default_folder(name: str) -> Path:
    """The built-in "templates" or "schema" folder."""
    packaged = _PACKAGED / name
    return packaged if packaged.is_dir() else _CHECKOUT / name


@dataclass(frozen=True)
class TemplateFolders:
    """An ordered search path of template folders; `templates / "theme.yaml"` is the file that wins."""

    folders: tuple[Path, ...]

    @classmethod
    def of(cls, *folders: Path | None) -> TemplateFolders:
        """The given folders (missing ones skipped, duplicates dropped), then the built-in defaults."""
        chosen: list[Path] = []
        for folder in [*folders, default_folder("templates")]:
            if folder is not None and folder.is_dir() and all(not _same(folder, seen) for seen in chosen):
                chosen.append(folder)
        return cls(tuple(chosen))

    def find(self, name: str) -> Path | None:
        """The first file called `name` inside its own folder, or None."""
        name = posixpath.normpath(name.replace("\\", "/"))
        if name.startswith(("../", "/")) or name == "..":
            return None
        for folder in self.folders:
            candidate = folder / name
            if candidate.is_file():
                return candidate if inside(candidate, folder) else None
        return None

    def __truediv__(self, name: str) -> Path:
        """Like a folder: the file that wins, or where the most specific folder would hold it."""
        found = self.find(name)
        if found is not None:
            return found
        return (self.folders[0] if self.folders else default_folder("templates")) / name

    @property
    def first(self) -> Path:
        return self.folders[0] if self.folders else default_folder("templates")

    def files(self) -> list[Path]:
        """Every file that wins, for watching and ejecting."""
        winners: dict[str, Path] = {}
        for folder in self.folders:
            for path in sorted(folder.rglob("*")):
                if path.is_file() and inside(path, folder):
                    winners.setdefault(path.relative_to(folder).as_posix(), path)
        return list(winners.values())


def inside(path: Path, folder: Path) -> bool:
    """True when `path`, symlinks followed, stays inside `folder`."""
    return path.resolve().is_relative_to(folder.resolve())


def _same(a: Path, b: Path) -> bool:
    return a.resolve() == b.resolve()
