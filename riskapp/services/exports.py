"""Export use cases: load an assessment and the library, build the files, send or write them.

The web views call the `*_file` functions (bytes and a download name), the
CLI calls the `write_*` functions (files on disk). Both raise NotFound for an
unknown assessment or policy; neither checks who asks (the web layer does). The exporters (openpyxl,
python-docx) are imported by the functions that build files, so that importing
this module, as the web app and the CLI do, stays light.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from ..domain.assessment.model import AssessmentData
from ..domain.coverage.report import compute_coverage
from ..domain.library.model import Library
from ..exporters.filenames import slugify
from ..extensions import db
from ..repository.assessments import get_assessment, to_assessment_data
from ..repository.library import cached_library
from .organizations import organisation_bands
from .period_export import period_export

Progress = Callable[[str], None]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ZIP = "application/zip"


@dataclass(frozen=True)
class ExportFile:
    """A built file: the name to offer or write, its media type and its bytes."""

    filename: str
    mimetype: str
    content: bytes


def load(assessment_id: int) -> tuple[Library, AssessmentData]:
    """Return the current library and the assessment's data; NotFound for an unknown id."""
    row = get_assessment(db.session, assessment_id)
    return cached_library(db.session), to_assessment_data(db.session, row)


def file_stem(data: AssessmentData) -> str:
    """Return the file-name stem of an assessment's exports: organisation and assessment."""
    return slugify(f"{data.organization} {data.name}", f"assessment-{data.id}")


def workbook_file(assessment_id: int, *, generated_at: datetime | None = None) -> ExportFile:
    """Build the assessment's workbook from its current data."""
    from ..exporters.workbook import build_workbook  # openpyxl: only when a workbook is built

    library, data = load(assessment_id)
    content = build_workbook(
        library,
        data,
        compute_coverage(library, data),
        bands=organisation_bands(data.settings),
        generated_at=generated_at or datetime.now(UTC),
        period=period_export(get_assessment(db.session, assessment_id)),
    )
    return ExportFile(f"{file_stem(data)}-workbook.xlsx", XLSX, content)


def policy_file(
    assessment_id: int, policy_ref: str, *, effective_date: date | None = None
) -> ExportFile:
    """Build one policy document of the assessment; NotFound for an unknown policy ref."""
    from ..exporters.policies import build_policy_docx

    library, data = load(assessment_id)
    content = build_policy_docx(
        library, data, policy_ref, effective_date=effective_date or date.today()
    )
    name = slugify(library.policies[policy_ref].title, policy_ref.lower())
    return ExportFile(f"{name}.docx", DOCX, content)


def policies_zip_file(assessment_id: int, *, effective_date: date | None = None) -> ExportFile:
    """Build the .zip of every policy documenting a selected control."""
    from ..exporters.policies import policy_documents, zip_documents

    library, data = load(assessment_id)
    effective = effective_date or date.today()
    documents = policy_documents(library, data, effective_date=effective)
    return ExportFile(f"{file_stem(data)}-policies.zip", ZIP, zip_documents(documents, effective))


def write_file(path: Path, content: bytes) -> None:
    """Write `content` to `path` whole or not at all (temporary file, then rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.part")
    partial.write_bytes(content)
    os.replace(partial, path)


def write_workbook(assessment_id: int, out: Path | None, export_dir: Path) -> Path:
    """Write the workbook to `out`, or under `export_dir` with its default name; return it."""
    built = workbook_file(assessment_id)
    path = out or export_dir / built.filename
    write_file(path, built.content)
    return path


def write_policies(
    assessment_id: int,
    out_dir: Path | None,
    export_dir: Path,
    *,
    effective_date: date | None = None,
    progress: Progress | None = None,
) -> list[Path]:
    """Write each policy's .docx and a .zip of them all into a folder; return the paths.

    The folder is `out_dir`, or `<export_dir>/<organisation-assessment>-policies`;
    `progress` hears one line per file written.
    """
    from ..exporters.policies import policy_documents, zip_documents

    say = progress or (lambda _msg: None)
    library, data = load(assessment_id)
    folder = out_dir or export_dir / f"{file_stem(data)}-policies"
    effective = effective_date or date.today()
    written: list[Path] = []
    documents = []
    for document in policy_documents(library, data, effective_date=effective):
        path = folder / document.filename
        write_file(path, document.content)
        documents.append(document)
        written.append(path)
        say(f"wrote {path.name}")
    archive = folder / f"{file_stem(data)}-policies.zip"
    write_file(archive, zip_documents(documents, effective))
    say(f"wrote {archive.name} ({len(documents)} policies)")
    written.append(archive)
    return written
