"""Evidence on file: attach files or links to occurrences and sampled items, list, hide, package.

A file is copied to a temporary file while its SHA-256 is computed, refused
past the size limit, checked by content, and only then renamed into the store
and recorded (repository/evidence_files.py): a refused file leaves nothing.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit

from ..domain.errors import InvalidInput, NotFound, UploadRejected
from ..domain.period.evidence import sniff
from ..domain.period.occurrences import PER_EVENT, Occurrence
from ..domain.period.population_file import clean_text
from ..domain.textsafety import spreadsheet_text
from ..exporters.filenames import slugify
from ..extensions import db
from ..models import Assessment, Evidence
from ..repository import evidence_files
from ..repository import period as repo
from . import period as period_service

Progress = Callable[[str], None]
MAX_NAME = 255
LIMITS = {"collected_by": 200, "note": 4000, "url": 2000}
MANIFEST_COLUMNS = ("file", "control", "occurrence or item", "effective date", "sha256")


@dataclass(frozen=True)
class Target:
    """What evidence proves: a control's occurrence (by its window) or a sampled item."""

    control_ref: str
    occurrence_number: int | None = None
    item_id: str = ""


@dataclass(frozen=True)
class Details:
    """What the collector says about the evidence."""

    effective_date: date | None
    collected_by: str = ""
    note: str = ""


def _clean(details: Details) -> Details:
    problems: dict[str, str] = {}
    values: dict[str, str] = {}
    for name in ("collected_by", "note"):
        value = clean_text(getattr(details, name)).strip()
        if len(value) > LIMITS[name]:
            problems[name] = f"Use at most {LIMITS[name]} characters (this has {len(value)})."
        values[name] = value
    if details.effective_date is None:
        problems["effective_date"] = "Give the date the evidence shows (YYYY-MM-DD)."
    if problems:
        raise InvalidInput(problems)
    return Details(details.effective_date, **values)


def _resolve(assessment: Assessment, target: Target) -> tuple[int, str, date, date, str]:
    """Return control id, occurrence kind, window and item id of a target, or raise."""
    chosen = period_service.selected_one(assessment, target.control_ref)
    control = repo.selected_control(db.session, assessment.id, target.control_ref)
    start, end = period_service.period_of(assessment)
    if target.item_id:
        sample = repo.current_samples(db.session, assessment.id).get(control.id)
        picked = {i["id"]: i for i in (sample.items if sample else [])}
        if target.item_id not in picked:
            raise InvalidInput(
                {"item": f"{target.item_id} is not in {target.control_ref}'s current sample."}
            )
        item_date = date.fromisoformat(picked[target.item_id]["date"])
        if chosen.frequency == PER_EVENT:
            return control.id, "item", item_date, end, target.item_id
        number = int(target.item_id.lstrip("#"))
        target = Target(target.control_ref, number)
    found: list[Occurrence] = period_service.control_occurrences(assessment, chosen.frequency)
    occurrence = next((o for o in found if o.number == target.occurrence_number), None)
    if occurrence is None:
        raise InvalidInput({"occurrence": f"{target.control_ref} has no such occurrence."})
    return control.id, occurrence.kind, occurrence.window_start, occurrence.window_end, ""


def attach_file(
    assessment: Assessment,
    target: Target,
    stream: IO[bytes],
    filename: str,
    details: Details,
    *,
    root: Path,
    max_bytes: int,
) -> Evidence:
    """Store a file as evidence of the target; refuse wrong types and sizes, storing nothing."""
    clean = _clean(details)
    control_id, kind, start, end, item = _resolve(assessment, target)
    name = clean_text(Path(filename or "evidence").name).strip()[:MAX_NAME] or "evidence"
    partial = evidence_files.write_partial(root, stream, max_bytes, name)
    found = sniff(partial.path, name)
    if found.kind is None:
        evidence_files.discard(partial)
        raise UploadRejected(f"{found.reason}; nothing was stored.")
    evidence_files.keep(root, partial)
    row = Evidence(
        assessment_id=assessment.id,
        control_id=control_id,
        occurrence_kind=kind,
        window_start=start,
        window_end=end,
        item_id=item,
        kind="file",
        filename=name,
        media_type=found.mimetype,
        sha256=partial.sha256,
        size=partial.size,
        effective_date=clean.effective_date,
        collected_by=clean.collected_by,
        note=clean.note,
        uploaded_by=repo.actor_label(db.session),
    )
    db.session.add(row)
    db.session.flush()
    return row


def attach_link(assessment: Assessment, target: Target, url: str, details: Details) -> Evidence:
    """Record a link (https or http) as evidence of the target."""
    clean = _clean(details)
    address = clean_text(url).strip()
    parts = urlsplit(address)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise InvalidInput({"url": "Give a full web address starting with https://."})
    if len(address) > LIMITS["url"]:
        raise InvalidInput({"url": f"Use at most {LIMITS['url']} characters."})
    control_id, kind, start, end, item = _resolve(assessment, target)
    row = Evidence(
        assessment_id=assessment.id,
        control_id=control_id,
        occurrence_kind=kind,
        window_start=start,
        window_end=end,
        item_id=item,
        kind="link",
        url=address,
        effective_date=clean.effective_date,
        collected_by=clean.collected_by,
        note=clean.note,
        uploaded_by=repo.actor_label(db.session),
    )
    db.session.add(row)
    db.session.flush()
    return row


def hide(evidence: Evidence) -> None:
    """Delete evidence from view, keeping the row and the file (audited)."""
    evidence.deleted_at = datetime.now(UTC)
    evidence.deleted_by = repo.actor_label(db.session)
    db.session.flush()


def get(organization_id: int, assessment_id: int, evidence_id: int) -> Evidence:
    """Return the organisation's evidence, or raise NotFound."""
    return repo.get_evidence(db.session, organization_id, assessment_id, evidence_id)


def file_path(evidence: Evidence, root: Path) -> Path:
    """Return the stored file of file evidence, or raise NotFound when it is missing."""
    path = evidence_files.stored_path(root, evidence.sha256)
    if evidence.kind != "file" or not path.is_file():
        raise NotFound("evidence file", evidence.id)
    return path


def outside_window(evidence: Evidence) -> bool:
    """Say whether the evidence's effective date falls outside the window it proves."""
    if (
        evidence.effective_date is None
        or evidence.window_start is None
        or evidence.window_end is None
    ):
        return False
    return not (evidence.window_start <= evidence.effective_date <= evidence.window_end)


def listing(assessment: Assessment) -> list[Evidence]:
    """Return the assessment's evidence (not deleted)."""
    return repo.evidence_of(db.session, assessment.id)


def target_label(evidence: Evidence) -> str:
    """Say what the evidence proves: an item or an occurrence window."""
    if evidence.item_id:
        return f"item {evidence.item_id}"
    return f"{evidence.occurrence_kind} {evidence.window_start}–{evidence.window_end}"


# --- the evidence package -------------------------------------------------------------------


class _Chunks(io.RawIOBase):
    """A write-only stream that hands what is written to the reader, chunk by chunk."""

    def __init__(self) -> None:
        self.pending: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self.pending.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        out = b"".join(self.pending)
        self.pending = []
        return out


def _folder(evidence: Evidence) -> str:
    if evidence.item_id:
        return f"item-{slugify(evidence.item_id, 'item')}"
    return f"{evidence.window_start}_{evidence.window_end}"


@dataclass(frozen=True)
class PackageEntry:
    """One file or link of the package, as plain data (read before streaming starts)."""

    path: str
    control: str
    proves: str
    effective: str
    sha256: str
    url: str


@dataclass(frozen=True)
class PackagePlan:
    """What the package holds: its entries, manifest and readme, ready to stream."""

    entries: tuple[PackageEntry, ...]
    manifest: bytes
    readme: bytes


def package_plan(assessment: Assessment) -> PackagePlan:
    """Read everything the package needs, so streaming it touches only the files."""
    entries: list[PackageEntry] = []
    for row in listing(assessment):
        name = row.filename if row.kind == "file" else "link.url"
        stem = f"{row.control.ref}/{_folder(row)}/{row.id}-{slugify(Path(name).stem, 'file')}"
        entries.append(
            PackageEntry(
                path=stem + Path(name).suffix.lower(),
                control=row.control.ref,
                proves=target_label(row),
                effective=row.effective_date.isoformat() if row.effective_date else "",
                sha256=row.sha256 if row.kind == "file" else "",
                url=row.url if row.kind == "link" else "",
            )
        )
    return PackagePlan(tuple(entries), _manifest(entries), _readme(assessment))


def _manifest(entries: list[PackageEntry]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(MANIFEST_COLUMNS)
    for e in entries:
        cells = [spreadsheet_text(v) for v in (e.path, e.control, e.proves, e.effective)]
        writer.writerow([*cells, e.sha256])
    return out.getvalue().encode("utf-8")


def _readme(assessment: Assessment) -> bytes:
    table = period_service.table_for(assessment)
    lines = [
        f"Evidence package of {assessment.name}",
        "",
        "manifest.csv lists every file with its SHA-256; check a file with",
        "`sha256sum FILE` (Linux), `shasum -a 256 FILE` (macOS) or",
        "`Get-FileHash FILE` (Windows). Links are listed in .url files.",
        "",
        f"Sample sizes: {table.name}.",
        f"Source: {table.source or 'the audit firm'}; licence: {table.licence or 'n/a'}.",
        *(f"Change: {c}" for c in table.changes),
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def stream_package(
    plan: PackagePlan, root: Path, *, progress: Progress | None = None
) -> Iterator[bytes]:
    """Yield the evidence package (a zip) chunk by chunk; the whole is never in memory."""
    say = progress or (lambda _msg: None)
    sink = _Chunks()
    total = len(plan.entries)
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.csv", plan.manifest)
        archive.writestr("README.txt", plan.readme)
        yield sink.take()
        for number, entry in enumerate(plan.entries, start=1):
            if entry.url:
                archive.writestr(entry.path, f"[InternetShortcut]\nURL={entry.url}\n")
            else:
                source = evidence_files.stored_path(root, entry.sha256)
                with (
                    source.open("rb") as src,
                    archive.open(entry.path, "w", force_zip64=True) as dst,
                ):
                    while chunk := src.read(evidence_files.CHUNK):
                        dst.write(chunk)
                        yield sink.take()
            yield sink.take()
            if number % 100 == 0 or number == total:
                say(f"{number} of {total} files")
    yield sink.take()


def write_package(
    assessment: Assessment, out: Path, root: Path, *, progress: Progress | None = None
) -> int:
    """Write the evidence package to `out` (temporary file, then rename); return its files."""
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.part")
    plan = package_plan(assessment)
    with partial.open("wb") as handle:
        for chunk in stream_package(plan, root, progress=progress):
            handle.write(chunk)
    partial.replace(out)
    return len(plan.entries)


def package_name(assessment: Assessment) -> str:
    """Return the package's download name."""
    return f"{slugify(assessment.name, f'assessment-{assessment.id}')}-evidence.zip"
