"""Statement quality checks: what a Type 2 auditor needs, and vague wording."""

from __future__ import annotations

from riskapp.domain.statements.quality import check_statement, summarise

GOOD = (
    "Each quarter, the IT Manager reviews every user account in Okta and AWS against the "
    "HR roster, removes access that is no longer needed within five business days, and "
    "records the signed-off review in Jira."
)


def checks_failed(text: str, **kwargs) -> list[str]:
    return [f.check for f in check_statement(text, **kwargs).findings]


def test_a_specific_statement_passes() -> None:
    assert check_statement(GOOD).passes


def test_each_missing_element_is_reported_with_a_fix() -> None:
    report = check_statement("Access is good.")
    assert [f.check for f in report.findings] == [
        "owner",
        "action",
        "frequency",
        "system",
        "evidence",
    ]
    assert report.findings[2].suggestion.startswith("Say how often or on what trigger")


def test_vague_wording_is_flagged_once_per_phrase() -> None:
    text = GOOD.replace("Each quarter", "Periodically, and where appropriate")
    findings = check_statement(text).findings
    assert [f.message for f in findings] == [
        "Vague wording: 'where appropriate'.",
        "Vague wording: 'periodically'.",
    ]
    assert checks_failed(GOOD.replace("removes", "may remove")) == ["vague"]


def test_triggers_count_as_frequency() -> None:
    text = (
        "Within one business day of termination, the People Operations Lead disables the "
        "leaver's accounts in Google Workspace and attaches the checklist to the ticket."
    )
    assert check_statement(text).passes


def test_named_systems_and_owner_count() -> None:
    text = "Jo Bloggs approves each change to Billing before release and files the approval."
    assert checks_failed(text) == ["owner", "system"]
    assert check_statement(text, owner="Jo Bloggs", known_systems=["Billing"]).passes
    assert checks_failed(
        "Jo approves it monthly, filing the approval.", owner="Jo", known_systems=["Zebra"]
    ) == ["system"]


def test_summary_counts_passing_statements() -> None:
    reports = [check_statement(GOOD), check_statement("Nothing here.")]
    assert summarise(reports) == {"passed": 1, "failed": 1, "total": 2}


def test_a_stated_cadence_that_disagrees_with_the_frequency_is_a_finding() -> None:
    text = GOOD.replace("Each quarter", "Each month")
    findings = check_statement(text, frequency="quarterly").findings
    assert [f.check for f in findings] == ["cadence"]
    assert "Stated cadence disagrees with the frequency" in findings[0].message
    assert "'each month' reads as monthly" in findings[0].message


def test_the_cadence_check_runs_only_when_a_frequency_is_given() -> None:
    assert check_statement(GOOD).passes
    assert check_statement(GOOD, frequency="quarterly").passes
