"""Check an uploaded file's type and size before anything reads it."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename

from ..domain.errors import UploadRejected


@dataclass(frozen=True)
class CheckedUpload:
    """A file that passed the checks: a safe name, its extension and size in bytes."""

    filename: str
    extension: str
    size: int


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".rstrip("0").rstrip(".") + " MB"


def check_upload(
    upload: FileStorage | None,
    allowed: Mapping[str, frozenset[str]],
    max_bytes: int,
    *,
    signatures: Mapping[str, bytes] | None = None,
) -> CheckedUpload:
    """Return the upload's name, extension and size, or raise UploadRejected.

    `allowed` maps each accepted extension (".zip") to the content types a
    browser may send for it; `signatures` maps an extension to the bytes its
    files start with. The size comes from seeking to the end of the spooled
    stream, so a file is measured without being read into memory; the stream
    is left at its start.
    """
    if upload is None or not upload.filename:
        raise UploadRejected("Choose a file to upload.")
    name = secure_filename(upload.filename) or "upload"
    extension = os.path.splitext(name)[1].lower()
    if extension not in allowed:
        kinds = ", ".join(sorted(allowed))
        raise UploadRejected(f"{upload.filename}: only {kinds} files can be uploaded here.")
    mimetype = (upload.mimetype or "application/octet-stream").lower()
    if mimetype not in allowed[extension]:
        raise UploadRejected(f"{upload.filename}: a {extension} file cannot be of type {mimetype}.")
    stream = upload.stream
    try:
        stream.seek(0, os.SEEK_END)
        size = stream.tell()
        stream.seek(0)
    except (AttributeError, OSError) as exc:  # not seekable: trust only the declared length
        if not upload.content_length:
            raise UploadRejected(f"{upload.filename}: the file's size is unknown.") from exc
        size = upload.content_length
    if size == 0:
        raise UploadRejected(f"{upload.filename} is empty.")
    if size > max_bytes:
        raise UploadRejected(
            f"{upload.filename} is {_megabytes(size)}; the largest file accepted is "
            f"{_megabytes(max_bytes)}.",
            too_large=True,
        )
    signature = (signatures or {}).get(extension)
    if signature is not None:
        head = stream.read(len(signature))
        stream.seek(0)
        if head != signature:
            raise UploadRejected(f"{upload.filename} is not a real {extension} file.")
    return CheckedUpload(name, extension, size)
