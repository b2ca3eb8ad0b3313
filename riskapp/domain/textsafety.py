"""Make user text safe for files: no formula execution, no characters XML cannot hold."""

from __future__ import annotations

import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# XML 1.0 allows tab, newline, carriage return and most of the BMP and above;
# everything else (control characters, surrogates, U+FFFE/U+FFFF) breaks the file.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def strip_xml_illegal(text: str) -> str:
    """Remove the characters an XML document (xlsx, docx) cannot hold."""
    return _XML_ILLEGAL.sub("", text)


def looks_like_formula(text: str) -> bool:
    """Answer whether a spreadsheet would run this text as a formula if it were typed in."""
    return text.startswith(FORMULA_STARTS)


def cell_text(value: object) -> tuple[str, bool]:
    """Return user text for a workbook cell, as typed but clean, and whether to quote-prefix it.

    A quote-prefixed cell (Excel's "quotePrefix" style) is shown and edited as
    text, never run, without changing what the user typed; CSV has no styles,
    so CSV fields use `spreadsheet_text` and its visible apostrophe instead.
    """
    text = strip_xml_illegal("" if value is None else str(value))
    return text, looks_like_formula(text)


def neutralise_formula(text: str) -> str:
    """Prefix text that a spreadsheet would run as a formula with an apostrophe."""
    if looks_like_formula(text):
        return "'" + text
    return text


def spreadsheet_text(value: object) -> str:
    """Return user text ready for a CSV field: clean and inert (a leading apostrophe)."""
    return neutralise_formula(strip_xml_illegal("" if value is None else str(value)))


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(value: str, *, multiline: bool = False) -> str:
    """Return submitted text without NUL and control characters, trimmed (one line unless
    `multiline`)."""
    text = _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    if not multiline:
        text = " ".join(text.split("\n"))
    return text.strip()


def clean_input(text: str | None) -> str:
    """Return submitted text without NUL and other control characters (tab and newlines stay)."""
    return _CONTROL.sub("", text or "")


def too_long(label: str, limit: int, given: int) -> str:
    """Return the one message for text over its limit, naming the limit and what was given."""
    return f"Keep the {label} to {limit:,} characters or fewer (you entered {given:,})."
