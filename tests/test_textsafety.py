"""User text written to files never executes and never breaks the file."""

from __future__ import annotations

import pytest

from riskapp.domain.textsafety import neutralise_formula, spreadsheet_text, strip_xml_illegal


@pytest.mark.parametrize("text", ["=1+1", "+SUM(A1)", "-2", "@cmd", "\tTAB", "\rCR"])
def test_formula_starts_are_neutralised(text: str) -> None:
    assert neutralise_formula(text) == "'" + text


def test_ordinary_text_is_unchanged() -> None:
    assert neutralise_formula("Quarterly review = done") == "Quarterly review = done"


def test_xml_illegal_characters_are_removed() -> None:
    assert strip_xml_illegal("a\x00b\x07c\x1fd\ufffe") == "abcd"
    assert strip_xml_illegal("tab\tnew\nline\r") == "tab\tnew\nline\r"


def test_spreadsheet_text_cleans_then_neutralises() -> None:
    assert spreadsheet_text("\x00=HYPERLINK()") == "'=HYPERLINK()"
    assert spreadsheet_text(None) == ""
