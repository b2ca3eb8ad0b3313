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


def neutralise_formula(text: str) -> str:
    """Prefix text that a spreadsheet would run as a formula with an apostrophe."""
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def spreadsheet_text(value: object) -> str:
    """Return user text ready for a spreadsheet cell or CSV field: clean and inert."""
    return neutralise_formula(strip_xml_illegal("" if value is None else str(value)))


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_input(text: str | None) -> str:
    """Return submitted text without NUL and other control characters (tab and newlines stay)."""
    return _CONTROL.sub("", text or "")
