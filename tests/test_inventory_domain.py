"""The system inventory's rules and CSV file, and statement checks that brackets cannot fool."""

from __future__ import annotations

from riskapp.domain.assessment.model import AssessmentData, ControlChoice, Scope
from riskapp.domain.inventory.csvfile import (
    HEADER,
    decode,
    plan_import,
    read_systems,
    write_systems,
)
from riskapp.domain.inventory.model import (
    SystemEntry,
    clash_problems,
    entry_problems,
    in_scope_names,
    placeholder_values,
)
from riskapp.domain.library.model import Control
from riskapp.domain.statements.quality import check_statement, names_a_system
from riskapp.domain.statements.render import override_for, template_changed
from riskapp.domain.statements.verdict import statement_verdict, verdict_text

HEAD = ",".join(HEADER)
TEMPLATE = (
    "Each {frequency}, the {owner} reviews access to {cloud_provider} and records the review "
    "in {ticketing_system}."
)
CONTROL = Control(
    ref="IAM-01",
    title="Access review",
    statement=TEMPLATE,
    domain="access-control",
    type="detective",
    nature="manual",
    frequency="quarterly",
    owner_role="IT Manager",
)


def assessment(settings: dict[str, str] | None = None, systems=()) -> AssessmentData:
    return AssessmentData(
        name="SOC 2",
        organization="Acme",
        scope=Scope(framework="soc2-2017"),
        controls=[ControlChoice("IAM-01")],
        settings=dict(settings or {}),
        systems=list(systems),
    )


def read(text: str):
    return read_systems(text)


# --- fields and roles ---------------------------------------------------------------------------


def test_a_system_needs_a_name_a_known_kind_and_classification_within_the_column_lengths() -> None:
    assert entry_problems(SystemEntry(name="AWS", kind="cloud-provider")) == {}
    problems = entry_problems(
        SystemEntry(name="x" * 201, kind="mainframe", classification="secret", notes="n" * 2001)
    )
    assert set(problems) == {"name", "kind", "classification", "notes"}
    assert "200 characters or fewer (201 given)" in problems["name"]
    assert entry_problems(SystemEntry(name=""))["name"] == "Name the system."


def test_names_are_unique_ignoring_case_and_a_placeholder_takes_one_active_system() -> None:
    aws = SystemEntry(id=1, name="AWS", roles=("cloud_provider",))
    old = SystemEntry(id=2, name="Rackspace", retired=True, roles=())
    assert "name" in clash_problems(SystemEntry(name="aws "), [aws])
    assert "roles" in clash_problems(SystemEntry(name="GCP", roles=("cloud_provider",)), [aws])
    assert clash_problems(SystemEntry(id=1, name="AWS", roles=("cloud_provider",)), [aws]) == {}
    assert clash_problems(SystemEntry(name="GCP"), [aws, old]) == {}


def test_retired_systems_fill_no_placeholder_and_out_of_scope_ones_are_not_named() -> None:
    systems = [
        SystemEntry(name="AWS", roles=("cloud_provider",)),
        SystemEntry(name="Jira", in_scope=False, roles=("ticketing_system",)),
        SystemEntry(name="Old IdP", retired=True, roles=("identity_provider",)),
    ]
    assert placeholder_values(systems) == {"cloud_provider": "AWS", "ticketing_system": "Jira"}
    assert in_scope_names(systems) == ["AWS"]
    assert "roles" in entry_problems(SystemEntry(name="x", retired=True, roles=("system",)))


# --- the CSV file --------------------------------------------------------------------------------


def test_a_good_file_reads_every_row_with_its_line() -> None:
    text = (
        f"{HEAD}\n"
        "AWS,cloud-provider,Head of Engineering,confidential,yes,cloud_provider,,no\n"
        '"Okta",Identity provider,IT Manager,restricted,yes,"{identity_provider}; system",'
        '"two\nlines",no\n'
        "Jira,ticketing,,,,,,\n"
    )
    rows, problems = read(text)
    assert problems == []
    assert [line for line, _ in rows] == [2, 3, 5]
    okta = rows[1][1]
    assert okta.kind == "identity-provider" and okta.roles == ("identity_provider", "system")
    assert okta.notes == "two\nlines"
    jira = rows[2][1]
    assert (jira.classification, jira.in_scope, jira.retired) == ("internal", True, False)


def test_a_wrong_header_is_one_problem_on_line_1() -> None:
    rows, problems = read("name,type,owner\nAWS,cloud-provider,x\n")
    assert rows == []
    [problem] = problems
    assert (problem.line, problem.field) == (1, "header")
    assert "missing kind" in problem.message and HEAD in problem.message


def test_each_bad_row_is_listed_by_line_and_field() -> None:
    text = (
        f"{HEAD}\n"
        "AWS,cloud-provider,,top-secret,yes,,,no\n"
        "Okta,mainframe,,internal,maybe,,,no\n"
        f"{'x' * 10_000},other,,internal,yes,,,no\n"
        "aws,other,,internal,yes,,,no\n"
        "Jira,ticketing,,internal,yes,ticket_queue,,no\n"
    )
    _rows, problems = read(text)
    found = {(p.line, p.field) for p in problems}
    assert found == {
        (2, "classification"),
        (3, "kind"),
        (3, "in_scope"),
        (4, "name"),
        (5, "name"),
        (6, "fills"),
    }
    text = "\n".join(str(p) for p in problems)
    assert "line 5, name: 'aws' is also on line 2." in text
    assert "line 4, name: Keep the name to 200 characters or fewer (10000 given)." in text


def test_binary_and_non_utf8_files_are_refused_before_reading() -> None:
    assert decode(b"name\x00kind")[1].message.startswith("The file holds binary data")
    text, problem = decode(f"{HEAD}\nBj\xf6rn,other,,,,,,\n".encode("latin-1"))
    assert text is None and problem.line == 2 and "not UTF-8" in problem.message
    assert decode(("\ufeff" + HEAD).encode("utf-8"))[0] == HEAD


def test_formula_text_is_kept_as_typed_and_neutralised_on_export() -> None:
    rows, problems = read(f'{HEAD}\n"=HYPERLINK(""http://x"")",other,@admin,,,,+1 note,\n')
    assert problems == []
    entry = rows[0][1]
    assert entry.name == '=HYPERLINK("http://x")' and entry.owner == "@admin"
    exported = write_systems([entry])
    assert "'=HYPERLINK" in exported and "'@admin" in exported and "'+1 note" in exported
    again, _ = read(exported)
    assert again[0][1].name == entry.name  # the export's apostrophe is undone on import


def test_control_characters_are_stripped_from_cells() -> None:
    rows, problems = read(f"{HEAD}\nA\x01W\x1fS,other,,,,,,\n")
    assert problems == [] and rows[0][1].name == "AWS"


def test_an_import_updates_by_name_and_checks_roles_as_they_will_be() -> None:
    existing = [
        SystemEntry(id=1, name="AWS", roles=("cloud_provider",)),
        SystemEntry(id=2, name="Okta", roles=("identity_provider",)),
    ]
    rows, _ = read(f"{HEAD}\naws,cloud-provider,,,,,,\nGCP,cloud-provider,,,,cloud_provider,,\n")
    planned, problems = plan_import(existing, rows)
    assert problems == []  # AWS gives the role up in the same file
    assert [(e.id, e.name) for e in planned] == [(1, "aws"), (None, "GCP")]
    rows, _ = read(f"{HEAD}\nAzure AD,identity-provider,,,,identity_provider,,\n")
    _planned, problems = plan_import(existing, rows)
    assert [(p.line, p.field) for p in problems] == [(2, "fills")]
    assert "Okta already fills {identity_provider}" in problems[0].message


# --- statement quality -------------------------------------------------------------------------


def test_names_a_system_matches_whole_words_ignoring_case() -> None:
    assert names_a_system("Alerts go to pagerduty and datadog.", ["PagerDuty"])
    assert not names_a_system("Alerts go to PagerDutyX.", ["PagerDuty"])
    assert not names_a_system("Stored in AWSome.", ["AWS"])


def test_a_statement_naming_only_inventory_systems_passes_names_a_system() -> None:
    text = (
        "Each week, the on-call engineer reviews GuardDuty findings, Datadog monitors and "
        "PagerDuty incidents and records the review."
    )
    systems = ["GuardDuty", "Datadog", "PagerDuty"]
    assert [f.check for f in check_statement(text).findings] == ["system"]
    assert check_statement(text, known_systems=systems).passes


def test_a_bracket_left_fails_and_never_counts_as_a_named_system() -> None:
    text = "Each quarter, the IT Manager reviews access to [system] and records the review."
    report = check_statement(text)
    checks = [f.check for f in report.findings]
    assert "placeholder" in checks and "system" in checks
    assert "Bracketed text left: '[system]'." in verdict_text(report)
    braces = check_statement("The IT Manager reviews {cloud_provider} daily and logs it.")
    assert not braces.passes


def test_an_unresolved_placeholder_fails_naming_it_and_a_filled_one_passes() -> None:
    text, report = statement_verdict(assessment(), CONTROL, ControlChoice("IAM-01"))
    assert "[cloud provider]" in text
    named = [f.placeholder for f in report.findings if f.check == "placeholder"]
    assert named == ["cloud_provider", "ticketing_system"]
    filled = assessment({"cloud_provider": "AWS", "ticketing_system": "Jira"}, ["AWS", "Jira"])
    text, report = statement_verdict(filled, CONTROL, ControlChoice("IAM-01"))
    assert text == (
        "Each quarter, the IT Manager reviews access to AWS and records the review in Jira."
    )
    assert report.passes


# --- the user's wording and the library template -----------------------------------------------


def test_text_equal_to_the_template_or_its_rendering_follows_the_template() -> None:
    data = assessment({"cloud_provider": "AWS"})
    choice = ControlChoice("IAM-01")
    assert override_for("", data, CONTROL, choice) is None
    assert override_for(TEMPLATE, data, CONTROL, choice) is None
    shown, _ = statement_verdict(data, CONTROL, choice)
    assert override_for(shown.replace(" ", "  "), data, CONTROL, choice) is None
    mine = "The IT Manager reviews AWS access each quarter and files the review in Jira."
    assert override_for(mine, data, CONTROL, choice) == mine


def test_a_changed_template_under_a_user_edit_is_noticed() -> None:
    edited = ControlChoice("IAM-01", statement="My words.", statement_base=TEMPLATE)
    assert not template_changed(CONTROL, edited)
    older = ControlChoice("IAM-01", statement="My words.", statement_base="Older template.")
    assert template_changed(CONTROL, older)
    assert not template_changed(CONTROL, ControlChoice("IAM-01"))
