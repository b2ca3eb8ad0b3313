"""Clean file names for exported files: lower-case ASCII words joined by hyphens."""

from __future__ import annotations

import re
import unicodedata

MAX_STEM = 60


def slugify(text: str, fallback: str = "export") -> str:
    """Return `text` as a file-name stem ("Zugriff & Änderung" → "zugriff-anderung")."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:MAX_STEM].strip("-") or fallback
