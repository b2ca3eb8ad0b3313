"""Evidence files on disk, stored by SHA-256: written to a temporary file, then renamed.

Layout: `<root>/<aa>/<bb>/<sha256>` for a stored file and `<root>/tmp/` for
uploads in progress. A file becomes visible only by its rename, after it is
complete and checked, and only a database row makes the app show it: a killed
upload leaves at most a `.part` file in `tmp/` (swept by `sweep_partials`) or
an unreferenced, complete file that nothing lists. Each upload first sweeps
temporary files over an hour old.
"""

from __future__ import annotations

import hashlib
import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from ..domain.errors import UploadRejected

CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Partial:
    """An upload written to a temporary file: its path, SHA-256 and size."""

    path: Path
    sha256: str
    size: int


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".rstrip("0").rstrip(".") + " MB"


def stored_path(root: Path, sha256: str) -> Path:
    """Return where the file with this SHA-256 is kept."""
    return root / sha256[:2] / sha256[2:4] / sha256


def write_partial(root: Path, stream: IO[bytes], max_bytes: int, name: str) -> Partial:
    """Copy `stream` to a temporary file chunk by chunk, hashing it; refuse it past max_bytes."""
    folder = root / "tmp"
    folder.mkdir(parents=True, exist_ok=True)
    sweep_partials(root)
    path = folder / f"{uuid.uuid4().hex}.part"
    digest = hashlib.sha256()
    size = 0
    try:
        with path.open("wb") as out:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise UploadRejected(
                        f"{name} is larger than the {_megabytes(max_bytes)} accepted; "
                        "nothing was stored.",
                        too_large=True,
                    )
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    if size == 0:
        path.unlink(missing_ok=True)
        raise UploadRejected(f"{name} is empty; nothing was stored.")
    return Partial(path, digest.hexdigest(), size)


def discard(partial: Partial) -> None:
    """Remove a temporary file that will not be kept."""
    partial.path.unlink(missing_ok=True)


def keep(root: Path, partial: Partial) -> Path:
    """Move a checked temporary file to its place by SHA-256 (an identical file is reused)."""
    target = stored_path(root, partial.sha256)
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        partial.path.unlink(missing_ok=True)
    else:
        os.replace(partial.path, target)
    return target


def sweep_partials(root: Path, older_than_seconds: float = 3600) -> int:
    """Remove temporary files (killed uploads, unconfirmed previews) over an hour old."""
    folder = root / "tmp"
    if not folder.is_dir():
        return 0
    cutoff = time.time() - older_than_seconds
    removed = 0
    for path in folder.iterdir():
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except FileNotFoundError:  # another process swept it first
            continue
    return removed
