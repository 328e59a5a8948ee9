"""Built outputs of one plan -> its press-pack zip: documents, media with credits, index, manifest.

The zip is reproducible: entries in a fixed order with fixed times (the build
date), fixed permissions and fixed compression, so the same sources give the
same bytes on any machine.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from . import __version__
from .catalogue import Catalogue
from .editions import EDITIONS
from .files import deterministic_zip, write_atomic
from .model import Plan
from .validate import LoadedPlan

_ZIP_EPOCH = dt.datetime(1980, 1, 1, tzinfo=dt.UTC)  # the earliest time a zip entry can carry


class BuiltFile(Protocol):
    """What the pack needs to know of each built output (pipeline.Output fits)."""

    @property
    def path(self) -> Path: ...
    @property
    def document(self) -> str: ...
    @property
    def edition(self) -> str: ...
    @property
    def format(self) -> str: ...
    @property
    def pages(self) -> int | None: ...


@dataclass(frozen=True)
class PackEntry:
    path: str
    data: bytes
    document: str | None = None
    language: str | None = None
    format: str | None = None
    pages: int | None = None


def pack_path(out_dir: Path, plan_id: str) -> Path:
    return out_dir / f"{plan_id}-press-pack.zip"


def write_pack(
    loaded: LoadedPlan,
    outputs: Sequence[BuiltFile],
    catalogue: Catalogue,
    target: Path,
    built: dt.datetime,
    source_commit: str | None,
) -> dict[str, object]:
    """Write the zip at `target` atomically; return its manifest."""
    plan = loaded.plan
    entries = [
        PackEntry(output.path.name, output.path.read_bytes(), output.document, output.edition, output.format,
                  output.pages)
        for output in sorted(outputs, key=lambda o: o.path.name)
    ]
    for relative in _media_files(loaded):
        entries.append(PackEntry(relative, (loaded.folder / relative).read_bytes(), format="media"))
    entries.append(PackEntry("CREDITS.txt", _credits(plan).encode("utf-8"), format="text"))
    entries.append(PackEntry("INDEX.txt", _index(plan, catalogue, entries).encode("utf-8"), format="text"))
    manifest: dict[str, object] = {
        "plan": plan.id,
        "version": plan.version,
        "source_commit": source_commit,
        "tool_version": __version__,
        "built": built.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "files": [
            {
                "path": entry.path,
                "sha256": hashlib.sha256(entry.data).hexdigest(),
                "bytes": len(entry.data),
                "document": entry.document,
                "language": entry.language,
                "format": entry.format,
                "pages": entry.pages,
            }
            for entry in sorted(entries, key=lambda e: e.path)
        ],
    }
    entries.append(PackEntry("manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False).encode("utf-8")))
    write_atomic(target, _zip(entries, built))
    return manifest


def _media_files(loaded: LoadedPlan) -> list[str]:
    paths = [item.path for item in loaded.plan.media]
    if loaded.plan.issuer.logo:
        logo = Path(loaded.plan.issuer.logo)
        paths.append(str(logo))
        if logo.suffix.lower() == ".svg" and (loaded.folder / logo.with_suffix(".png")).is_file():
            paths.append(str(logo.with_suffix(".png")))
    return sorted(dict.fromkeys(paths))


def _credits(plan: Plan) -> str:
    lines = [f"Image credits · 图片来源 — {plan.headline.en}", ""]
    if plan.issuer.logo and plan.issuer.logo_placeholder:
        lines += [f"{plan.issuer.logo}  (placeholder issuer logo · 占位标志)",
                  "  not the issuer's emblem · 并非发布单位标志", ""]
    for item in plan.media:
        note = "  (placeholder image · 占位图)" if item.placeholder else ""
        lines += [
            f"{item.path}{note}",
            f"  {item.caption.en} — {item.credit.en}",
            f"  {item.caption.zh}——{item.credit.zh}",
            "",
        ]
    return "\n".join(lines)


def _index(plan: Plan, catalogue: Catalogue, entries: list[PackEntry]) -> str:
    lines = [
        f"{plan.headline.en}",
        f"{plan.headline.zh}",
        "",
        f"Press pack · 新闻资料包 — {plan.issuer.name.en} · {plan.issuer.name.zh} — version {plan.version}",
        "",
    ]
    for entry in entries:
        if entry.document is None:
            continue
        spec = catalogue.documents[entry.document]
        edition = EDITIONS[entry.language or ""]
        en, zh = edition.english_name, edition.chinese_name
        pages = f", {entry.pages} page{'s' if entry.pages != 1 else ''} · {entry.pages} 页" if entry.pages else ""
        lines.append(f"{entry.path:<36} {spec.title.en} ({en}, {entry.format}{pages}) · {spec.title.zh}（{zh}）")
    lines += [
        "",
        "media/        images · 图片 (see CREDITS.txt · 见 CREDITS.txt)",
        "manifest.json sha256 of every file · 各文件的 sha256 校验值",
    ]
    return "\n".join(lines) + "\n"


def _zip(entries: list[PackEntry], built: dt.datetime) -> bytes:
    stamp = max(built, _ZIP_EPOCH).astimezone(dt.UTC).timetuple()[:6]
    ordered = sorted(entries, key=lambda e: (e.path != "manifest.json", e.path))
    return deterministic_zip(((entry.path, entry.data) for entry in ordered), stamp, compresslevel=9)
