"""Evidence files: which types are accepted (by content), and effective dates in their window."""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .occurrences import Occurrence

ALLOWED_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "txt": "text/plain",
    "json": "application/json",
    "zip": "application/zip",
}
EXTENSIONS: dict[str, str] = {
    ".pdf": "pdf",
    ".png": "png",
    ".jpg": "jpeg",
    ".jpeg": "jpeg",
    ".csv": "csv",
    ".xlsx": "xlsx",
    ".docx": "docx",
    ".txt": "txt",
    ".json": "json",
    ".zip": "zip",
}
_EXECUTABLES = (b"MZ", b"\x7fELF", b"\xfe\xed\xfa", b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe", b"#!")
TEXT_SNIFF = 64 * 1024


@dataclass(frozen=True)
class SniffResult:
    """The type a file's content shows (None: not accepted) and why."""

    kind: str | None
    reason: str = ""

    @property
    def mimetype(self) -> str:
        return ALLOWED_TYPES.get(self.kind or "", "application/octet-stream")


def _zip_kind(path: Path) -> str | None:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return None
    if "[Content_Types].xml" in names:
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
    return "zip"


def _text_kind(path: Path, extension: str) -> str | None:
    with path.open("rb") as handle:
        head = handle.read(TEXT_SNIFF)
    if b"\x00" in head:
        return None
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # a character cut at the sniff boundary is fine
            return None
    if extension == "json":
        try:
            with path.open("rb") as handle:
                json.load(handle)
        except (ValueError, UnicodeDecodeError):
            return None
        return "json"
    return "csv" if extension == "csv" else "txt"


def sniff(path: Path, filename: str) -> SniffResult:
    """Return the accepted type of the file at `path` by its content, checked against its name.

    Binary types go by their signature (PDF, PNG, JPEG, ZIP; DOCX and XLSX
    are ZIPs holding their main part); CSV, TXT and JSON must be UTF-8 text
    without NUL (JSON must parse). Executables are refused whatever their name.
    """
    extension = EXTENSIONS.get(Path(filename).suffix.lower())
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(_EXECUTABLES):
        return SniffResult(None, f"{filename} is a program, not evidence")
    if extension is None:
        kinds = ", ".join(sorted(EXTENSIONS))
        return SniffResult(None, f"{filename}: only {kinds} files are accepted")
    if head.startswith(b"%PDF-"):
        found: str | None = "pdf"
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        found = "png"
    elif head.startswith(b"\xff\xd8\xff"):
        found = "jpeg"
    elif head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        found = _zip_kind(path)
    elif extension in ("csv", "txt", "json"):
        found = _text_kind(path, extension)
    else:
        found = None
    if found is None or found != extension:
        return SniffResult(None, f"{filename}: its content is not a {extension.upper()} file")
    return SniffResult(found)


def outside_window(effective: date | None, occurrence: Occurrence | None) -> bool:
    """Say whether evidence effective on `effective` falls outside its occurrence's window."""
    if effective is None or occurrence is None:
        return False
    return not occurrence.contains(effective)
