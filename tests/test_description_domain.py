"""The system description drafted from plain data: sections in order, named blanks."""

from __future__ import annotations

from datetime import date

from riskapp.domain.description.draft import all_missing, draft_description, suggest_cuecs
from riskapp.domain.description.model import (
    CarvedOut,
    Component,
    ControlLine,
    CriterionLine,
    DescriptionInput,
    Incident,
    NotRelevant,
    OrganisationAnswers,
    Paragraph,
    Table,
)
from riskapp.domain.statements.render import Segment


def _text(section) -> str:
    out = []
    for block in section.blocks:
        if isinstance(block, Paragraph):
            out.append(block.text)
        else:
            out.extend("".join(s.text for s in cell) for row in block.rows for cell in row)
    return "\n".join(out)


def _full(**changes) -> DescriptionInput:
    data = DescriptionInput(
        organisation="Acme",
        assessment="SOC 2 2026",
        report_type="type2",
        period_start=date(2026, 1, 1),
        period_end=date(2026, 6, 30),
        system_name="Acme Cloud",
        categories=("Security",),
        answers=OrganisationAnswers("Hosted payroll", "99.9% uptime", "Encryption", "GDPR"),
        components=[Component("AWS", "Cloud provider", "Confidential", "CTO")],
        policies=["Access Control Policy"],
        incidents=[
            Incident(
                date(2026, 3, 2), "Phishing of one account", "2 hours", "One mailbox", "Reset", True
            )
        ],
        criteria=[
            CriterionLine("CC6.1", "Logical access", "CC6", ("ACC-01",)),
            CriterionLine("CC6.2", "User registration", "CC6", ()),
        ],
        controls=[
            ControlLine("ACC-01", "MFA", (Segment("Customers enable MFA."),), "CTO", ("CC6.1",))
        ],
        cuecs=["Customers review their users."],
        carved_out=[CarvedOut("CC6.4", "Physical access", "AWS", "Hosting", "Data-centre access")],
        not_relevant=[NotRelevant("P1.1", "Privacy notice", "We hold no personal data.")],
    )
    for key, value in changes.items():
        setattr(data, key, value)
    return data


def test_sections_come_in_order_with_dc9_only_for_type2():
    assert [s.code for s in draft_description(_full())] == [f"DC{n}" for n in range(1, 10)]
    assert [s.code for s in draft_description(_full(report_type="type1"))][-1] == "DC8"


def test_facts_that_exist_leave_no_blank_where_they_are_used():
    sections = {s.code: s for s in draft_description(_full())}
    assert not sections["DC1"].missing and "Hosted payroll" in _text(sections["DC1"])
    assert "Phishing of one account" in _text(sections["DC4"])
    assert "AWS" in _text(sections["DC7"]) and "Data-centre access" in _text(sections["DC7"])
    assert "We hold no personal data." in _text(sections["DC8"])
    assert any(isinstance(b, Table) and b.kind == "controls" for b in sections["DC5"].blocks)


def test_a_criterion_with_no_control_is_a_named_blank_in_dc5():
    dc5 = draft_description(_full())[4]
    assert [m.name for m in dc5.missing] == ["controls for CC6.2"]


def test_empty_answers_become_named_blanks_listed_as_missing():
    sections = draft_description(_full(answers=OrganisationAnswers(), cuecs=[]))
    names = [m.name for _, m in all_missing(sections)]
    assert "services provided" in names and "legal requirements" in names
    assert "user-entity controls" in names
    assert "[services provided]" in _text(sections[0])


def test_no_incident_says_so_and_asks_to_confirm():
    dc4 = draft_description(_full(incidents=[]))[3]
    assert "No significant incident" in _text(dc4)
    assert [m.name for m in dc4.missing] == ["confirm no significant incidents"]


def test_insignificant_incidents_are_left_out_of_dc4():
    quiet = Incident(date(2026, 2, 1), "Laptop lost", significant=False)
    assert "Laptop lost" not in _text(draft_description(_full(incidents=[quiet]))[3])


def test_controls_mentioning_customers_are_suggested_as_cuecs():
    other = ControlLine("ACC-02", "Reviews", (Segment("The CTO reviews access."),), "CTO")
    refs = [c.ref for c in suggest_cuecs([*_full().controls, other])]
    assert refs == ["ACC-01"]


def test_audit_changes_to_controls_and_systems_are_worded_for_dc9():
    from riskapp.domain.description.changes import describe_change

    status = {"status": {"before": "planned", "after": "implemented"}}
    assert describe_change("selected_control", "update", "ACC-01", status) == (
        "Control ACC-01 status changed to implemented."
    )
    assert describe_change("system", "create", "Okta", {}) == "System Okta added."
    out = {"in_scope": {"before": True, "after": False}}
    assert describe_change("system", "update", "Okta", out) == "System Okta taken out of scope."
    assert describe_change("selected_control", "update", "ACC-01", {"owner": {}}) is None


def test_incident_input_is_cleaned_and_checked():
    from riskapp.domain.description.fields import incident_from, incident_problems

    incident = incident_from({"occurred_on": "2026-02-30", "nature": "Out\x00age", "extent": "x"})
    assert incident.nature == "Outage" and incident.occurred_on is None
    assert incident_problems(incident, "2026-02-30") == {
        "occurred_on": "Give the date as YYYY-MM-DD."
    }
    long = incident_from({"occurred_on": "2026-02-03", "nature": "n" * 501})
    assert "500" in incident_problems(long, "2026-02-03")["nature"]
