"""Population files refused whole with each bad row named; evidence types checked by content."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from riskapp.domain.period.evidence import sniff
from riskapp.domain.period.population_file import PopulationInvalid, parse_population

START, END = date(2026, 1, 1), date(2026, 12, 31)


def _csv(text: str) -> io.BytesIO:
    return io.BytesIO(text.encode("utf-8"))


def _problems(stream: io.BytesIO, name: str = "p.csv") -> list[str]:
    with pytest.raises(PopulationInvalid) as caught:
        parse_population(stream, name, START, END)
    return caught.value.problems


def test_a_good_csv_gives_items_with_their_further_columns() -> None:
    text = (
        "\ufeffID,Date,Description,Manager\n"
        "H-1,2026-02-03,Ann joins,Bo\nH-2,2026-03-04,Cy joins,Di\n"
    )
    parsed = parse_population(_csv(text), "hires.csv", START, END)
    assert [i.id for i in parsed.items] == ["H-1", "H-2"]
    assert parsed.items[0].date == date(2026, 2, 3)
    assert parsed.items[0].extra == {"Manager": "Bo"}
    assert parsed.columns == ("Manager",)


def test_wrong_columns_are_refused_naming_what_is_missing() -> None:
    problems = _problems(_csv("ticket,when\nA,2026-01-01\n"))
    assert len(problems) == 1
    assert "missing columns id, date, description" in problems[0]
    assert "ticket, when" in problems[0]


def test_each_bad_row_is_named() -> None:
    text = (
        "id,date,description\n"
        "A,2026-01-05,ok\n"
        "B,2025-12-31,before the period\n"
        "A,2026-02-01,duplicate\n"
        "C,05/02/2026,ambiguous date\n"
        'D,2026-03-01,=HYPERLINK("http://x")\n'
        ",2026-03-02,no id\n"
    )
    problems = _problems(_csv(text))
    assert problems == [
        "row 3: date 2025-12-31 is outside the period 2026-01-01 to 2026-12-31",
        "row 4: id 'A' repeats row 2",
        "row 5: date '05/02/2026' is not a date (use YYYY-MM-DD)",
        "row 6: column 3 holds a formula; export values only",
        "row 7: id is empty",
    ]


def test_one_bad_row_in_a_hundred_thousand_refuses_the_file() -> None:
    lines = ["id,date,description"]
    lines += [f"E{i},2026-{1 + i % 12:02d}-{1 + i % 28:02d},event {i}" for i in range(100_000)]
    lines[73_001] = "E73000,2027-01-01,late"
    problems = _problems(_csv("\n".join(lines)))
    assert problems == ["row 73002: date 2027-01-01 is outside the period 2026-01-01 to 2026-12-31"]


def test_nul_and_control_characters_are_stripped() -> None:
    parsed = parse_population(
        _csv("id,date,description\nA\x00,2026-01-01,x\x07y\n"), "p.csv", START, END
    )
    assert (parsed.items[0].id, parsed.items[0].description) == ("A", "xy")


def test_an_empty_file_and_a_header_only_file() -> None:
    assert "empty" in _problems(_csv(""))[0]
    assert parse_population(_csv("id,date,description\n"), "p.csv", START, END).items == ()


def _xlsx(rows: list[list[object]]) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def test_xlsx_with_date_cells_and_a_formula_cell() -> None:
    good = _xlsx([["id", "date", "description"], ["T-1", datetime(2026, 4, 1), "change"]])
    parsed = parse_population(good, "export.xlsx", START, END)
    assert parsed.items[0].date == date(2026, 4, 1)
    bad = _xlsx([["id", "date", "description"], ["T-1", datetime(2026, 4, 1), "=1+1"]])
    assert _problems(bad, "export.xlsx") == ["row 2: column 3 holds a formula; export values only"]


def test_a_broken_xlsx_and_another_extension_are_refused() -> None:
    assert "not a readable .xlsx" in _problems(_csv("not a workbook"), "p.xlsx")[0]
    assert "must be .csv or .xlsx" in _problems(_csv("x"), "p.txt")[0]


# --- evidence by content -----------------------------------------------------------------


def _file(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def _zip_with(*names: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("a.pdf", b"%PDF-1.7\n...", "pdf"),
        ("a.png", b"\x89PNG\r\n\x1a\n....", "png"),
        ("a.jpg", b"\xff\xd8\xff\xe0....", "jpeg"),
        ("a.csv", b"id,date\n1,2026-01-01\n", "csv"),
        ("a.txt", "Résumé of the review\n".encode(), "txt"),
        ("a.json", b'{"ok": true}', "json"),
        ("a.zip", _zip_with("report.txt"), "zip"),
        ("a.docx", _zip_with("[Content_Types].xml", "word/document.xml"), "docx"),
        ("a.xlsx", _zip_with("[Content_Types].xml", "xl/workbook.xml"), "xlsx"),
    ],
)
def test_allowed_types_are_recognised_by_content(
    tmp_path: Path, name: str, content: bytes, kind: str
) -> None:
    assert sniff(_file(tmp_path, name, content), name).kind == kind


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("report.pdf", b"MZ\x90\x00\x03\x00", "is a program"),
        ("notes.txt", b"\x7fELF\x02\x01\x01", "is a program"),
        ("scan.png", b"%PDF-1.4", "not a PNG"),
        ("data.json", b"{not json", "not a JSON"),
        ("notes.txt", b"abc\x00def", "not a TXT"),
        ("policy.docx", _zip_with("report.txt"), "not a DOCX"),
        ("tool.exe", b"hello", "only"),
    ],
)
def test_disallowed_content_is_refused_whatever_its_name(
    tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    found = sniff(_file(tmp_path, name, content), name)
    assert found.kind is None and reason in found.reason
