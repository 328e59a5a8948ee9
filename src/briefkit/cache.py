"""Build inputs -> a key per output, remembered between builds so unchanged outputs are skipped.

An output's key hashes everything it is made from: the rendered HTML (which
already holds every piece of content the document shows, the templates, theme
and labels), the images it names, the fonts, the writer options and the tool's
own code. An edit that a document does not show leaves its HTML, and so its
key, unchanged.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .files import write_atomic

CACHE_FILE = ".briefkit-cache.json"


def digest(*parts: str | bytes) -> str:
    hasher = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "big"))
        hasher.update(data)
    return hasher.hexdigest()


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@functools.lru_cache(maxsize=1)
def source_fingerprint() -> str:
    """The tool's own source: a writer fixed between releases must rebuild what it wrote."""
    package = Path(__file__).resolve().parent
    return digest(__version__, *(path.read_bytes() for path in sorted(package.rglob("*.py"))))


def output_key(html: str, fmt: str, options: str, images: list[Path], fonts: str) -> str:
    image_digests = [f"{path.name}:{file_digest(path)}" for path in sorted(images)]
    return digest(source_fingerprint(), fmt, options, html, fonts, *image_digests)


@dataclass
class BuildCache:
    """What was built into one output folder last time: file name -> key and sha256."""

    folder: Path
    entries: dict[str, dict[str, str]] = field(default_factory=dict)
    checks: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, folder: Path) -> BuildCache:
        try:
            data = json.loads((folder / CACHE_FILE).read_text(encoding="utf-8"))
            return cls(folder, dict(data.get("outputs", {})), dict(data.get("checks", {})))
        except (OSError, ValueError, AttributeError):
            return cls(folder)  # no cache, or a broken one: build everything

    def is_fresh(self, target: Path, key: str) -> bool:
        entry = self.entries.get(target.name)
        if not entry or entry.get("key") != key or not target.is_file():
            return False
        return target.stat().st_size == int(entry.get("bytes", -1))

    def record(self, target: Path, key: str) -> None:
        self.entries[target.name] = {"key": key, "bytes": str(target.stat().st_size)}

    def forget(self, target: Path) -> None:
        self.entries.pop(target.name, None)

    def save(self) -> None:
        data = {"tool_version": __version__, "outputs": self.entries, "checks": self.checks}
        self.folder.mkdir(parents=True, exist_ok=True)
        write_atomic(self.folder / CACHE_FILE, json.dumps(data, indent=1, sort_keys=True).encode("utf-8"))
