"""A build request and everything its outputs depend on -> one digest; a stamp that vouches for the outputs on disk.

A rebuild with nothing changed should not pay for loading the pipeline (pydantic, Jinja, the
word segmenter, the checks: seconds) only to learn that every output is up to date. Before
anything heavy is imported, the build command digests its inputs: the normalised options, every
file of the plan folders and template folders, the tool's code, the installed Python
distributions, the native libraries WeasyPrint loads, the fonts fontconfig lists (with their
sizes and times), the fontconfig set-up, the environment that reaches any of them and the build
date the plans' git history gives. A build that succeeded writes a stamp with that digest and the
sha256 of every output; the next build with the same digest and outputs whose bytes are still
those (and still those the build record holds) reports them as up to date without loading the
pipeline.

Integrity first: any doubt (no stamp, an unreadable file, a symlinked folder, a stamp of another
shape) means the full build, which keys each output on its own. The stamp of a request is
removed before its build writes anything and written, atomically, only after a build without
failures; a stamp only vouches for the bytes it lists, so a build of another request writing the
same files cannot make it lie either. This module imports only the standard library and small
briefkit modules.
"""

from __future__ import annotations

import collections
import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .cache import CACHE_FILE, code_fingerprint, digest, file_digest
from .errors import BriefkitError
from .files import remove_stale_parts, write_atomic
from .project import PLAN_FILE
from .provenance import source_date
from .searchpath import TemplateFolders, default_folder

FORMAT = 1  # the stamp file's shape
FOLDER = ".briefkit-cache/stamps"  # under Project.cache, so that `briefkit clean` removes the stamps too
# fc-list exactly as fonts.installed_faces() asks it: the faces the build would see
FC_LIST = ["fc-list", "--format", "%{family}\t%{style}\t%{file}\t%{index}\n"]
# What WeasyPrint's text stack loads (through the dynamic loader): a new version can move glyphs
LIBRARIES = ("libpango-1.0.so.0", "libpangoft2-1.0.so.0", "libharfbuzz.so.0", "libharfbuzz-subset.so.0",
             "libfontconfig.so.1", "libfreetype.so.6", "libfribidi.so.0", "libgraphite2.so.3", "libthai.so.0",
             "libgobject-2.0.so.0", "libglib-2.0.so.0")
SYSTEM_FILES = ("/etc/ld.so.cache", "/var/lib/dpkg/status")  # change whenever system packages do
# Environment that reaches the outputs: the build date, and what fontconfig, Pango, HarfBuzz, the loader, Python,
# git (the build date) and the locale read. Others (terminal, session) are left out so that they do not defeat it.
ENVIRONMENT = ("SOURCE_DATE_EPOCH", "HOME", "LANG", "LANGUAGE", "TZ")
ENVIRONMENT_PREFIXES = ("LC_", "FONTCONFIG", "FC_", "PANGO", "HB_", "XDG_", "LD_", "PYTHON", "GIT_", "BRIEFKIT",
                        "WEASYPRINT", "CAIRO", "G_", "GIO_")


class Doubt(Exception):
    """Something the digest cannot vouch for: build the long way."""


@dataclass(frozen=True)
class Request:
    """A build command's options, as far as they decide which outputs are written and what they hold."""

    root: Path
    templates: Path | None
    plans: tuple[str, ...]
    documents: tuple[str, ...]
    editions: tuple[str, ...]
    formats: tuple[str, ...]
    out: Path | None
    strict: bool
    pdf_variant: str | None
    reference_doc: Path | None

    def describe(self) -> str:
        """The request, normalised (absolute paths, the working folder that relative plan paths resolve in)."""
        def absolute(path: Path | None) -> str | None:
            return None if path is None else str(path.resolve())

        return json.dumps({
            "cwd": str(Path.cwd().resolve()), "root": absolute(self.root), "templates": absolute(self.templates),
            "plans": self.plans, "documents": self.documents, "editions": self.editions, "formats": self.formats,
            "out": absolute(self.out), "strict": self.strict, "pdf_variant": self.pdf_variant,
            "reference_doc": absolute(self.reference_doc)}, sort_keys=True)


@dataclass(frozen=True)
class State:
    """A request and the digest of everything its outputs depend on, taken before the build reads anything."""

    request: Request
    digest: str
    plan_files: tuple[Path, ...]
    folders: tuple[Path, ...]  # the template search path

    @property
    def path(self) -> Path:
        return stamp_path(self.request)


@dataclass(frozen=True)
class StampedOutput:
    """An output as the summary shows it; the stamp only ever answers for outputs it did not build."""

    path: Path
    pages: int | None
    skipped: bool = True
    seconds: float = 0.0


@dataclass
class StampedReport:
    """What the build command prints, as the last build's no-op would have printed it."""

    outputs: list[StampedOutput]
    warnings: list[str]
    failures: list[tuple[str, BriefkitError]] = field(default_factory=list)

    @property
    def built(self) -> list[StampedOutput]:
        return []


def stamp_path(request: Request) -> Path:
    return request.root / FOLDER / f"{digest(request.describe())[:32]}.json"


def plan_files(request: Request) -> list[Path]:
    """Project.plan_files without loading the plan model; the stamp is saved only when both agree."""
    content = request.root / "content"
    if not request.plans:
        return sorted(content.glob(f"*/{PLAN_FILE}"))
    found = []
    for reference in request.plans:
        for candidate in (Path(reference), content / reference):
            if candidate.is_file() or (candidate / PLAN_FILE).is_file():
                found.append(candidate if candidate.is_file() else candidate / PLAN_FILE)
                break
        else:
            raise Doubt(f"no plan {reference!r}")  # the build says so, in its own words
    return found


def inputs(request: Request) -> State | None:
    """The digest of the request's inputs, or None when something cannot be vouched for."""
    fonts = _start(FC_LIST)  # fontconfig answers while the files are hashed
    try:
        files = plan_files(request)
        folders = TemplateFolders.of(request.templates or request.root / "templates").folders
        # the tool's version is in its distribution's name (_distributions): importlib.metadata is slow to load
        parts = [str(FORMAT), request.describe(), code_fingerprint(), sys.version, sys.executable]
        parts += [str(path.resolve()) for path in files]
        for folder in dict.fromkeys(path.parent.resolve() for path in files):
            parts += [str(folder), _tree(folder), source_date(folder, dt.date.min).isoformat()]
        for folder in folders:  # the built-in templates by their files' status: the build opens only those it needs
            parts += [str(folder.resolve()), _tree(folder, by_content=not _same(folder, default_folder("templates")))]
        if request.reference_doc is not None:
            parts.append(file_digest(request.reference_doc))
        parts += [*_environment(), *_distributions(), *_libraries(), *_fontconfig(), _fonts(fonts)]
    except (OSError, UnicodeError, ValueError, subprocess.SubprocessError, Doubt):
        return None
    finally:
        if fonts is not None and fonts.poll() is None:
            fonts.kill()
            fonts.wait()
    return State(request, digest(*parts), tuple(path.resolve() for path in files), folders)


def check(state: State | None) -> tuple[StampedReport | None, str]:
    """The last build's report when its stamp holds for these inputs and outputs, else None and why not."""
    if state is None:
        return None, "an input could not be read or is not where it is expected"
    try:
        stamp = json.loads(state.path.read_bytes())
    except FileNotFoundError:
        return None, "no stamp of a previous build of these options"
    except (OSError, ValueError):
        return None, "the stamp cannot be read"
    if not isinstance(stamp, dict) or stamp.get("format") != FORMAT or stamp.get("digest") != state.digest:
        return None, "inputs changed since the last build"
    try:
        outputs = [_output(entry) for entry in stamp["outputs"]]
        warnings = [str(warning) for warning in stamp["warnings"]]
        extras = {str(name): sha for name, sha in stamp["extras"].items()}
    except (AttributeError, KeyError, TypeError, ValueError):
        return None, "the stamp is not of the expected shape"
    changed = [name for name, sha in extras.items() if _sha(Path(name)) != sha]
    if changed:
        return None, f"{changed[0]} changed since the last build"
    records: dict[Path, dict[str, object]] = {}
    for path, sha, copies, _ in outputs:
        if _sha(path) != sha or not all(_sha(path.parent / name) == copy for name, copy in copies.items()):
            return None, f"{path} is not the file the last build wrote"
        if path.parent not in records:
            records[path.parent] = _record(path.parent)
        entry = records[path.parent].get(path.name)
        if not isinstance(entry, dict) or entry.get("sha256") != sha or entry.get("media", {}) != copies:
            return None, f"the build record does not hold {path} as the last build wrote it"
    for folder in records:
        try:
            remove_stale_parts(folder)  # what the full build does first, so that both leave the folder alike
        except OSError:
            pass  # the full build would say nothing of it either
    return StampedReport([StampedOutput(path, pages) for path, _, _, pages in outputs], warnings), ""


def remove(request: Request) -> None:
    """Before a build writes: a build killed part-way must leave no stamp behind."""
    try:
        stamp_path(request).unlink(missing_ok=True)
    except OSError:
        pass  # a stamp vouches only for the bytes it lists: one left behind cannot make a changed output pass


def replayed(warnings: Iterable[str], written: Iterable[str]) -> list[str]:
    """The warnings a no-op prints again: all but those of the outputs written (a writer's come only when it runs)."""
    left = collections.Counter(written)
    kept = []
    for warning in warnings:
        if left[warning]:
            left[warning] -= 1
        else:
            kept.append(warning)
    return kept


def save(state: State | None, outputs: list[Path], warnings: list[str], resolved: list[Path],
         extras: Iterable[Path] = ()) -> bool:
    """Stamp a build that succeeded; False (no stamp) when anything does not add up.

    `extras`: files the build read that may lie outside the folders the digest covers (a theme's
    Word reference document can be named by any path); the stamp holds their sha256 too.
    """
    if state is None or tuple(path.resolve() for path in resolved) != state.plan_files:
        return False
    if any(CACHE_FILE in warning for warning in warnings):
        return False  # the build record had trouble: the next build goes the long way and says so again
    entries = []
    records: dict[Path, dict[str, object]] = {}
    try:
        for path in outputs:
            if path.parent not in records:
                records[path.parent] = _record(path.parent)
            entry = records[path.parent].get(path.name)
            if not isinstance(entry, dict) or _sha(path) != entry.get("sha256"):
                return False
            copies = entry.get("media", {})
            if not isinstance(copies, dict) or any(_sha(path.parent / n) != sha for n, sha in copies.items()):
                return False
            pages = entry.get("pages")
            entries.append({"path": str(path), "sha256": entry["sha256"], "media": copies,
                            "pages": int(pages) if isinstance(pages, str) and pages.isdigit() else None})
        data = {"format": FORMAT, "digest": state.digest, "outputs": entries, "warnings": warnings,
                "extras": {str(path): _sha(path) for path in extras}}
        write_atomic(state.path, json.dumps(data, indent=1, ensure_ascii=False).encode("utf-8"))
        remove_stale_parts(state.path.parent)
    except (OSError, BriefkitError):
        return False
    return True


def _output(entry: dict[str, object]) -> tuple[Path, str, dict[str, str], int | None]:
    path, sha, copies, pages = entry["path"], entry["sha256"], entry["media"], entry["pages"]
    if not isinstance(path, str) or not isinstance(sha, str) or not isinstance(copies, dict):
        raise ValueError("not an output")
    if pages is not None and not isinstance(pages, int):
        raise ValueError("not a page count")
    return Path(path), sha, {str(name): str(copy) for name, copy in copies.items()}, pages


def _record(folder: Path) -> dict[str, object]:
    """The build record's entries, as cache.BuildCache saved them (empty when it cannot be read)."""
    try:
        outputs = json.loads((folder / CACHE_FILE).read_bytes()).get("outputs")
    except (OSError, ValueError, AttributeError):
        return {}
    return outputs if isinstance(outputs, dict) else {}


def _sha(path: Path) -> str | None:
    try:
        return file_digest(path) if path.is_file() and not path.is_symlink() else None
    except OSError:
        return None


def _same(a: Path, b: Path) -> bool:
    return a.resolve() == b.resolve()


def _tree(folder: Path, by_content: bool = True, confined: bool = True) -> str:
    """Every file under `folder`: its relative name and content, or its status (any write changes its ctime,
    which no one can set back). In a `confined` folder (plans, templates) a symbolic link counts by where it
    points and is never read through: one that leads out of the folder (which the build refuses to read) or
    to a folder is a doubt. Elsewhere (fontconfig's set-up) links are followed, as fontconfig does."""
    parts = []
    inside = folder.resolve()
    for top, folders, names in os.walk(folder):
        folders[:] = sorted(name for name in folders if name not in (".git", "__pycache__"))
        for name in folders:
            if os.path.islink(os.path.join(top, name)):
                raise Doubt(f"{top}/{name} is a symbolic link to a folder")
        for name in sorted(names):
            path = Path(top, name)
            if confined and path.is_symlink():
                target = path.resolve()
                if not target.is_relative_to(inside) or {".git", "__pycache__"} & set(target.parts[len(inside.parts):]):
                    raise Doubt(f"{path} leads out of {folder}, or where the walk does not go")
                status = f"link to {os.readlink(path)}"  # the file it leads to is in the walk by its own name
            elif path.exists() and not path.is_file():
                raise Doubt(f"{path} is neither a file nor a folder")  # a FIFO would block the read
            else:
                status = file_digest(path) if by_content else _stat(str(path))
            parts += [path.relative_to(folder).as_posix(), status]
    return digest(*parts)


def _environment() -> list[str]:
    return [f"{name}={value}" for name, value in sorted(os.environ.items())
            if name in ENVIRONMENT or name.startswith(ENVIRONMENT_PREFIXES)]


def _distributions() -> list[str]:
    """The Python distributions installed where this interpreter imports from (their names carry the versions)."""
    names = []
    for entry in sys.path:
        try:
            names += [f"{entry}/{name}" for name in sorted(os.listdir(entry or "."))
                      if name.endswith((".dist-info", ".egg-info", ".egg-link", ".pth"))]
        except OSError:
            continue  # a zip or a missing folder on the path holds no installed distribution
    return names


def _stat(path: str) -> str:
    """A file as the system sees it (symlinks followed): another file, or the same one rewritten, differs."""
    try:
        status = os.stat(path)
    except OSError:
        return f"{path}: absent"
    return f"{path}: {status.st_dev} {status.st_ino} {status.st_size} {status.st_mtime_ns} {status.st_ctime_ns}"


def _libraries() -> list[str]:
    folders = [folder for folder in os.environ.get("LD_LIBRARY_PATH", "").split(":") if folder]
    triplet = getattr(sys.implementation, "_multiarch", "")  # Debian's x86_64-linux-gnu (sysconfig loads slowly)
    folders += [f"/usr/lib/{triplet}", f"/lib/{triplet}", "/usr/local/lib", "/usr/lib", "/lib"]
    found = []
    for library in LIBRARIES:
        where = next((f"{folder}/{library}" for folder in folders if os.path.exists(f"{folder}/{library}")), library)
        found.append(_stat(where))
    return found + [_stat(path) for path in SYSTEM_FILES]


def _fontconfig() -> list[str]:
    """fontconfig's set-up: which faces a family name gets, and in what order."""
    config = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "fontconfig"
    parts = []
    for folder in (Path("/etc/fonts"), config):
        parts += [str(folder), _tree(folder, by_content=False, confined=False) if folder.is_dir() else "absent"]
    return parts + [_stat(str(Path.home() / ".fonts.conf"))]


def _start(command: list[str]) -> subprocess.Popen[bytes] | None:
    try:
        return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    except OSError:
        return None  # no fontconfig tools: the build finds no faces either, and the digest says so


def _fonts(listing: subprocess.Popen[bytes] | None) -> str:
    """Every face fontconfig lists and its file's size and time: a font installed, updated or removed counts."""
    if listing is None:
        return "no fc-list"
    output, _ = listing.communicate(timeout=30)
    if listing.returncode != 0:
        raise Doubt("fc-list failed")
    lines = sorted(output.decode("utf-8", "surrogateescape").splitlines())
    files = sorted({line.split("\t")[2] for line in lines if line.count("\t") == 3})
    return digest(*lines, *(_stat(file) for file in files))
