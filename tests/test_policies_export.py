"""Policy documents, reopened with python-docx: structure, statements, highlights, the zip."""

from __future__ import annotations

import zipfile
from datetime import date
from io import BytesIO
from pathlib import Path

import docx
import pytest
from docx.document import Document
from docx.enum.text import WD_COLOR_INDEX
from docx.oxml.ns import qn

from riskapp.domain.assessment.model import ControlChoice, CustomContent
from riskapp.domain.errors import NotFound
from riskapp.domain.library.loader import parse_library
from riskapp.domain.library.model import DocumentedIn, Library
from riskapp.exporters.policies import (
    build_policies_zip,
    build_policy_docx,
    policies_to_export,
    policy_filename,
)
from tests.assessment_factories import make_assessment, type2_scope

EFFECTIVE = date(2026, 1, 1)


@pytest.fixture
def library(mini_library: Path) -> Library:
    return parse_library(mini_library)


def open_policy(library: Library, assessment, ref: str = "POL-ONE") -> Document:
    return docx.Document(
        BytesIO(build_policy_docx(library, assessment, ref, effective_date=EFFECTIVE))
    )


def all_text(document: Document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    parts.extend(p.text for p in document.sections[0].header.paragraphs)
    return "\n".join(parts)


def test_policies_to_export_are_those_documenting_a_selected_applicable_control(
    library: Library,
) -> None:
    assert policies_to_export(library, make_assessment()) == ["POL-ONE", "POL-TWO"]
    assert policies_to_export(library, make_assessment(ControlChoice("CTL-02"))) == ["POL-ONE"]
    not_applicable = ControlChoice("CTL-01", status="not-applicable", na_reason="n/a")
    assert policies_to_export(library, make_assessment(not_applicable)) == []


def test_custom_documented_in_edges_count(library: Library) -> None:
    custom = CustomContent(documented_in=[DocumentedIn("CTL-02", "POL-TWO", False)])
    assessment = make_assessment(ControlChoice("CTL-02"), custom=custom)
    assert policies_to_export(library, assessment) == ["POL-ONE", "POL-TWO"]


def test_policy_uses_word_title_and_heading_styles(library: Library) -> None:
    document = open_policy(library, make_assessment())
    styled = [(p.style.name, p.text) for p in document.paragraphs if p.style.name != "Normal"]
    assert styled[0] == ("Title", "Access Policy")
    headings_1 = [text for style, text in styled if style == "Heading 1"]
    assert headings_1 == [
        "Approval",
        "Version history",
        "1. Purpose",
        "2. Scope",
        "3. Roles and responsibilities",
        "4. Policy statements",
        "5. Exceptions",
        "6. Enforcement",
        "7. Review",
    ]
    assert [text for style, text in styled if style == "Heading 2"] == [
        "4.1 Principles",
        "4.2 Access control",
    ]


def test_title_block_and_tables_use_built_in_styles(library: Library) -> None:
    document = open_policy(library, make_assessment())
    block, approval, history, roles = document.tables
    assert dict((r.cells[0].text, r.cells[1].text) for r in block.rows) == {
        "Organisation": "Acme Ltd",
        "Policy": "Access Policy",
        "Version": "1.0",
        "Owner": "IT Manager",
        "Classification": "Internal",
        "Effective date": "2026-01-01",
        "Next review": "2026-12-31",
    }
    assert [r.cells[0].text for r in approval.rows] == ["Approved by", "Role", "Approval date"]
    assert [c.text for c in history.rows[0].cells] == [
        "Version",
        "Date",
        "Author",
        "Approved by",
        "Changes",
    ]
    assert [c.text for c in roles.rows[1].cells] == ["IT Manager", "Runs reviews."]
    for table in document.tables:
        assert table.style.name in {"Light List Accent 1", "Light Grid Accent 1"}
        assert table.style.builtin


def test_statements_are_the_tailored_statements_of_the_documented_controls(
    library: Library,
) -> None:
    assessment = make_assessment(
        ControlChoice("CTL-01", statement="The {owner} approves access in {system}.", owner="Ann"),
        ControlChoice("CTL-02", status="not-applicable", na_reason="Not used."),
    )
    document = open_policy(library, assessment)
    bullets = [p.text for p in document.paragraphs if p.style.name == "List Bullet"]
    assert bullets == ["Control CTL-01. The Ann approves access in Acme Cloud. (CTL-01)"]
    styled = [(p.style.name, p.text) for p in document.paragraphs]
    purpose = document.paragraphs[styled.index(("Heading 1", "1. Purpose")) + 1]
    assert purpose.text == "Sets how Acme Ltd grants access."


def test_unfilled_placeholders_are_highlighted_and_no_raw_brace_is_left(library: Library) -> None:
    document = open_policy(library, make_assessment(settings={}))
    runs = [run for p in document.paragraphs for run in p.runs]
    highlighted = {r.text for r in runs if r.font.highlight_color == WD_COLOR_INDEX.YELLOW}
    assert highlighted == {"[system]", "[ticketing system]"}
    assert "{" not in all_text(document) and "}" not in all_text(document)


def test_missing_organisation_name_is_highlighted_in_the_title_block(library: Library) -> None:
    document = open_policy(library, make_assessment(organization=""))
    value = document.tables[0].rows[0].cells[1].paragraphs[0].runs[0]
    assert (value.text, value.font.highlight_color) == ("[org]", WD_COLOR_INDEX.YELLOW)


def test_xml_illegal_characters_are_removed(library: Library) -> None:
    assessment = make_assessment(
        ControlChoice("CTL-01", statement="Check\x00 {system}\x1f now.", owner="Bo\x0bb"),
        organization="Acme\x01 Ltd",
        settings={"system": "Core\x02"},
    )
    document = open_policy(library, assessment)
    text = all_text(document)
    assert "Check Core now." in text and "Acme Ltd" in text
    assert not any(ch in text for ch in "\x00\x01\x02\x0b\x1f")


def test_core_properties(library: Library) -> None:
    props = open_policy(library, make_assessment()).core_properties
    assert (props.title, props.author, props.subject) == (
        "Access Policy",
        "riskapp",
        "Acme Ltd Access Policy",
    )
    assert props.created.date() == EFFECTIVE


def test_unknown_policy_is_not_found(library: Library) -> None:
    with pytest.raises(NotFound, match="POL-NONE"):
        build_policy_docx(library, make_assessment(), "POL-NONE", effective_date=EFFECTIVE)


def test_zip_holds_one_clean_named_docx_per_policy(library: Library) -> None:
    content = build_policies_zip(library, make_assessment(), effective_date=EFFECTIVE)
    with zipfile.ZipFile(BytesIO(content)) as archive:
        assert archive.namelist() == ["access-policy.docx", "security-policy.docx"]
        titles = [
            docx.Document(BytesIO(archive.read(name))).paragraphs[0].text
            for name in archive.namelist()
        ]
    assert titles == ["Access Policy", "Security Policy"]


def test_policy_filenames_are_clean_and_unique(library: Library) -> None:
    policy = library.policies["POL-ONE"]
    assert policy_filename(policy) == "access-policy.docx"
    assert policy_filename(policy, ["access-policy.docx"]) == "access-policy-pol-one.docx"
    odd = type(policy)(**{**vars(policy), "title": "../Ünïcode / Policy?*"})
    assert policy_filename(odd) == "unicode-policy.docx"


def test_approval_block_blanks_are_highlighted_until_someone_approves(library: Library) -> None:
    document = open_policy(library, make_assessment())
    approval, history = document.tables[1], document.tables[2]
    for row in approval.rows:
        (run,) = row.cells[1].paragraphs[0].runs
        assert run.font.highlight_color == WD_COLOR_INDEX.YELLOW
    assert [r.cells[1].text for r in approval.rows] == [
        "[approver name]",
        "[approver role]",
        "[approval date]",
    ]
    first_issue = history.rows[1].cells
    assert first_issue[3].text == "[approver name]"
    assert first_issue[3].paragraphs[0].runs[0].font.highlight_color == WD_COLOR_INDEX.YELLOW


def test_footer_has_classification_and_page_n_of_m(library: Library) -> None:
    document = open_policy(library, make_assessment())
    footer = document.sections[0].footer.paragraphs[0]
    assert footer.text.startswith("Internal · Access Policy · Page ")
    instructions = [f.get(qn("w:instr")) for f in footer._p.iter(qn("w:fldSimple"))]
    assert instructions == ["PAGE", "NUMPAGES"]


def test_contents_is_plain_text_naming_every_numbered_heading(library: Library) -> None:
    document = open_policy(library, make_assessment())
    texts = [p.text for p in document.paragraphs]
    start = texts.index("Contents") + 1
    headings = [p.text for p in document.paragraphs if p.style.name in ("Heading 1", "Heading 2")]
    numbered = [h for h in headings if h[0].isdigit()]
    assert texts[start : start + len(numbered)] == numbered
    assert numbered[0] == "1. Purpose" and "4.1 Principles" in numbered
    body = document.element.body
    assert list(body.iter(qn("w:fldChar"))) == [] and list(body.iter(qn("w:instrText"))) == []
    assert list(body.iter(qn("w:fldSimple"))) == []
    assert "Update Field" not in "\n".join(texts)


def test_shipped_bcdr_policy_states_its_commitments_even_without_the_dr_test_control() -> None:
    from riskapp.config import SEED_LIBRARY

    shipped = parse_library(SEED_LIBRARY)
    assessment = make_assessment(
        ControlChoice("BCP-02"),
        scope=type2_scope(framework="soc2-2017"),
        risks=[],
    )
    content = build_policy_docx(shipped, assessment, "POL-BCDR", effective_date=EFFECTIVE)
    document = docx.Document(BytesIO(content))
    texts = [p.text for p in document.paragraphs]
    dr_test = [t for t in texts if "at least once a year" in t and t.endswith("(BCP-03).")]
    assert len(dr_test) == 1 and "\n" not in dr_test[0]
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert "4.4 Declaring a disaster" in headings
    assert any(t.startswith("Only the COO or the CTO may declare a disaster") for t in texts)
