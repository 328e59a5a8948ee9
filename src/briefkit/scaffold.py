"""A folder -> a new project: one example plan, the schemas for editors, and (on request) the default templates.

`init` copies no templates by default: the built-in ones are found through the
search path, so a project holds only what it changes. `--eject-templates`
copies them for editing, and never overwrites a file that is already there.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from .errors import UsageError
from .searchpath import default_folder

EXAMPLE = Path(__file__).resolve().parent / "_example"
EXAMPLE_ID = "reading-rooms"
GITIGNORE = "output/\n.briefkit-cache/\n"


def init_project(root: Path, *, example: bool = True, eject_templates: bool = False) -> list[Path]:
    """Write the new project's files under `root`; returns them. Refuses to overwrite a plan or a template.

    In a folder that already has plans, only the templates are ejected (when asked).
    """
    planned: dict[Path, Path | str] = {}
    if example and not list((root / "content").glob("*/plan.yaml")):
        for source in sorted(EXAMPLE.glob("*.yaml")):
            planned[root / "content" / EXAMPLE_ID / source.name] = source
    for source in sorted(default_folder("schema").glob("*.schema.json")):
        if not (root / "schema" / source.name).exists():  # editor aids: an existing copy is kept
            planned[root / "schema" / source.name] = source
    if not (root / ".gitignore").exists():
        planned[root / ".gitignore"] = GITIGNORE
    if eject_templates:
        planned.update(_templates(root))
    if not planned:
        raise UsageError(f"{root} already holds a project; `briefkit init --eject-templates` copies the templates")
    existing = [path for path in planned if path.exists()]
    if existing:
        shown = ", ".join(str(path) for path in existing[:3])
        raise UsageError(f"init would overwrite {shown}{' ...' if len(existing) > 3 else ''}: nothing written")
    for target, origin in planned.items():
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(origin, Path):
            shutil.copyfile(origin, target)
        else:
            target.write_text(origin, encoding="utf-8")
    return list(planned)


def _templates(root: Path) -> dict[Path, Path | str]:
    defaults = default_folder("templates")
    return {root / "templates" / path.relative_to(defaults): path
            for path in sorted(defaults.rglob("*")) if path.is_file() and "__pycache__" not in path.parts}
