"""Build inputs -> a key per output; the build record says which key and which bytes each output has.

An output's key hashes everything it is made from: the rendered HTML (which
already holds every piece of content the document shows, the templates, theme
and labels), the images it names, the fonts, the writer options and the tool's
own code. An edit that a document does not show leaves its HTML, and so its
key, unchanged.

An output is up to date only when the record holds its key AND the sha256 of
the file on disk (and of the image copies beside an HTML file). The record is
rewritten atomically after every output, so a build killed part-way, a plan
reverted after it, an output edited by hand, truncated or overwritten with
bytes of the same size all lead to a rebuild, never to a wrong file reported
as up to date.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .files import display_path, write_atomic

CACHE_FILE = ".briefkit-cache.json"
_SHA256 = re.compile(r"[0-9a-f]{64}")


def user_cache() -> Path:
    """What briefkit keeps for every project of this user (CJK faces cut once, compiled templates):
    $BRIEFKIT_CACHE, else the user's cache folder ($XDG_CACHE_HOME/briefkit, ~/.cache/briefkit)."""
    own = os.environ.get("BRIEFKIT_CACHE")
    if own:
        return Path(own)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "briefkit"


def digest(*parts: str | bytes) -> str:
    hasher = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "big"))
        hasher.update(data)
    return hasher.hexdigest()


def file_digest(path: Path) -> str:
    hasher = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            hasher.update(block)
    return hasher.hexdigest()


@functools.lru_cache(maxsize=1)
def _sources() -> tuple[bytes, ...]:
    package = Path(__file__).resolve().parent
    return tuple(path.read_bytes() for path in sorted(package.rglob("*.py")))


@functools.lru_cache(maxsize=1)
def source_fingerprint() -> str:
    """The tool's own source: a writer fixed between releases must rebuild what it wrote."""
    from . import __version__

    return digest(__version__, *_sources())


def code_fingerprint() -> str:
    """The tool's own source without its version (which needs importlib.metadata; the build stamp has it otherwise)."""
    return digest(*_sources())


def output_key(html: str, fmt: str, options: str, images: Mapping[str, Path], fonts: str) -> str:
    """`images`: each image the output shows, by the name the HTML gives it, and its file."""
    image_digests = [f"{name}:{file_digest(path)}" for name, path in sorted(images.items())]
    return digest(source_fingerprint(), fmt, options, html, fonts, *image_digests)


def _digest_or_none(path: Path) -> str | None:
    try:
        return file_digest(path) if path.is_file() and not path.is_symlink() else None
    except OSError:
        return None


def _valid_entry(entry: object) -> bool:
    if not isinstance(entry, dict) or not all(isinstance(entry.get(k), str) for k in ("key", "sha256")):
        return False
    if not _SHA256.fullmatch(entry["sha256"]) or not isinstance(entry.get("pages", ""), str):
        return False
    copies = entry.get("media", {})
    return isinstance(copies, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in copies.items())


@dataclass
class BuildCache:
    """What was built into one output folder: file name -> key, sha256, pages, image copies."""

    folder: Path
    entries: dict[str, dict[str, object]] = field(default_factory=dict)
    checks: dict[str, str] = field(default_factory=dict)
    problem: str = ""  # why a record that was there could not be used (it is then rebuilt from scratch)

    @classmethod
    def load(cls, folder: Path) -> BuildCache:
        path = folder / CACHE_FILE
        try:
            data = json.loads(path.read_bytes())
        except FileNotFoundError:
            return cls(folder)
        except (OSError, ValueError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) else "it is not valid JSON"
            return cls(folder, problem=f"{display_path(path)}: the build record cannot be read ({reason}); "
                                       "every output is built again")
        outputs = data.get("outputs") if isinstance(data, dict) else None
        checks = data.get("checks", {}) if isinstance(data, dict) else None
        if not isinstance(outputs, dict) or not isinstance(checks, dict):
            return cls(folder, problem=f"{display_path(path)}: the build record is not of the expected shape; every "
                                       "output is built again")
        entries = {name: entry for name, entry in outputs.items() if _valid_entry(entry)}
        problem = "" if len(entries) == len(outputs) else (
            f"{display_path(path)}: {len(outputs) - len(entries)} entries of the build record are not of the expected "
            "shape; those outputs are built again")
        return cls(folder, entries, {k: v for k, v in checks.items() if isinstance(v, str)}, problem)

    def is_fresh(self, target: Path, key: str) -> bool:
        entry = self.entries.get(target.name)
        if not entry or entry.get("key") != key or _digest_or_none(target) != entry.get("sha256"):
            return False
        copies = entry.get("media", {})
        return isinstance(copies, dict) and all(
            _digest_or_none(target.parent / name) == sha for name, sha in copies.items())

    def pages(self, target: Path) -> int | None:
        pages = self.entries.get(target.name, {}).get("pages")
        return int(pages) if isinstance(pages, str) and pages.isdigit() else None

    def recorded(self, target: Path) -> str | None:
        """The sha256 the record holds for `target`, if any."""
        sha = self.entries.get(target.name, {}).get("sha256")
        return sha if isinstance(sha, str) else None

    def record(self, target: Path, key: str, pages: int | None = None, media: tuple[str, ...] = ()) -> None:
        """Remember what `target` now holds (and the image copies an HTML file needs), and save at once."""
        entry: dict[str, object] = {"key": key, "sha256": file_digest(target)}
        if pages is not None:
            entry["pages"] = str(pages)
        if media:
            entry["media"] = {name: file_digest(target.parent / name) for name in media}
        self.entries[target.name] = entry
        self.save()

    def forget(self, target: Path) -> None:
        if self.entries.pop(target.name, None) is not None:
            self.save()

    def save(self) -> None:
        from . import __version__

        data = {"tool_version": __version__, "outputs": self.entries, "checks": self.checks}
        write_atomic(self.folder / CACHE_FILE, json.dumps(data, indent=1, sort_keys=True).encode("utf-8"))
