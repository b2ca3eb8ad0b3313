"""The library parser: every kind of bad input is reported with file, entry and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from riskapp.domain.errors import LibraryInvalid
from riskapp.domain.library.integrity import integrity_problems
from riskapp.domain.library.loader import parse_library, read_library
from riskapp.domain.library.model import Retirement
from tests.factories import Files, make_library, write_library


def problems_of(tmp_path: Path, mutate) -> list[str]:
    _, problems = read_library(make_library(tmp_path / "lib", mutate))
    return [str(p) for p in problems]


def control(files: Files, ref: str) -> dict:
    return next(c for c in files["controls/controls.yaml"]["controls"] if c["ref"] == ref)


def risk(files: Files, ref: str) -> dict:
    return next(r for r in files["risks/risks.yaml"]["risks"] if r["ref"] == ref)


def test_valid_library_parses_into_nodes_and_edges(mini_library: Path) -> None:
    library = parse_library(mini_library)
    assert library.meta.name == "Test library"
    assert list(library.controls) == ["CTL-01", "CTL-02", "CTL-03"]
    assert library.criteria[("testfw", "T1.2")].parent == "T1.1"
    assert len(library.satisfies) == 6
    assert {(e.control, e.policy, e.primary) for e in library.documented_in} == {
        ("CTL-01", "POL-ONE", True),
        ("CTL-01", "POL-TWO", False),
        ("CTL-02", "POL-ONE", True),
        ("CTL-03", "POL-ONE", True),
    }
    assert library.risks["R-TST-01"].threat == "A former employee"


def test_bad_yaml_names_file_and_line(tmp_path: Path) -> None:
    path = make_library(tmp_path / "lib")
    (path / "risks" / "broken.yaml").write_text("risks:\n  - ref: R-X\n    title: [unclosed\n")
    _, problems = read_library(path)
    assert len(problems) == 1
    assert str(problems[0]).startswith("risks/broken.yaml: invalid YAML at line 4")


def test_file_without_its_list_key_is_reported(tmp_path: Path) -> None:
    path = make_library(tmp_path / "lib")
    write_library(path, {}, raw={"controls/extra.yaml": "- just a list\n"})
    _, problems = read_library(path)
    assert [str(p) for p in problems] == [
        "controls/extra.yaml: controls: the file must hold a 'controls:' list"
    ]


def test_missing_field_is_reported(tmp_path: Path) -> None:
    def mutate(files: Files) -> None:
        del risk(files, "R-TST-01")["impact"]
        control(files, "CTL-02")["statement"] = "   "

    assert problems_of(tmp_path, mutate) == [
        "risks/risks.yaml: R-TST-01: impact: is required",
        "controls/controls.yaml: CTL-02: statement: must not be empty",
    ]


def test_scores_out_of_range_are_reported(tmp_path: Path) -> None:
    def mutate(files: Files) -> None:
        risk(files, "R-TST-01")["likelihood"] = 7
        risk(files, "R-TST-02")["impact"] = "high"
        control(files, "CTL-01")["mitigates"][0]["likelihood"] = 4

    assert problems_of(tmp_path, mutate) == [
        "risks/risks.yaml: R-TST-01: likelihood: must be an integer from 1 to 5, got 7",
        "risks/risks.yaml: R-TST-02: impact: must be an integer from 1 to 5, got 'high'",
        "controls/controls.yaml: CTL-01: mitigates[1].likelihood: must be an integer "
        "from 0 to 3, got 4",
    ]


def test_effect_that_lowers_nothing_is_reported(tmp_path: Path) -> None:
    def mutate(files: Files) -> None:
        control(files, "CTL-01")["mitigates"][0].update(likelihood=0, impact=0)

    assert problems_of(tmp_path, mutate) == [
        "controls/controls.yaml: CTL-01: mitigates[1]: an effect must lower likelihood or impact"
    ]


def test_bad_enum_values_are_reported(tmp_path: Path) -> None:
    def mutate(files: Files) -> None:
        control(files, "CTL-01")["type"] = "preventative"
        control(files, "CTL-02")["frequency"] = "sometimes"
        risk(files, "R-TST-01")["category"] = "misc"

    problems = problems_of(tmp_path, mutate)
    assert problems[0] == (
        "risks/risks.yaml: R-TST-01: category: 'misc' is not one of: access-identity, "
        "change-development, infrastructure-operations, vendors-subprocessors, data-protection, "
        "availability-continuity, people-hr, physical, incident-handling, governance, "
        "legal-privacy, processing-integrity, cloud-management-plane, "
        "email-saas-configuration, ai-ml-features, payments-billing"
    )
    assert problems[1] == (
        "controls/controls.yaml: CTL-01: type: 'preventative' is not one of: preventive, "
        "detective, corrective"
    )
    assert problems[2].startswith(
        "controls/controls.yaml: CTL-02: frequency: 'sometimes' is not one of: continuous"
    )


def test_unknown_refs_in_mappings_are_reported(tmp_path: Path) -> None:
    def mutate(files: Files) -> None:
        c = control(files, "CTL-01")
        c["criteria"]["primary"].append("T9.9")
        c["mitigates"].append({"risk": "R-NOPE-01", "likelihood": 1, "impact": 1})
        c["evidence"].append("EV-MISSING")
        c["policy"] = "POL-NONE"

    assert problems_of(tmp_path, mutate) == [
        "controls/controls.yaml: CTL-01: criteria.primary: unknown criterion 'T9.9'",
        "controls/controls.yaml: CTL-01: mitigates: unknown risk 'R-NOPE-01'",
        "controls/controls.yaml: CTL-01: evidence: unknown evidence type 'EV-MISSING'",
        "controls/controls.yaml: CTL-01: policy: unknown policy 'POL-NONE'",
    ]


def test_duplicate_refs_name_the_first_definition(tmp_path: Path) -> None:
    def mutate(files: Files) -> None:
        files["risks/more.yaml"] = {"risks": [dict(risk(files, "R-TST-01"))]}
        controls = files["controls/controls.yaml"]["controls"]
        controls.append(dict(controls[0]))

    problems = problems_of(tmp_path, mutate)
    assert (
        "risks/risks.yaml: R-TST-01: ref: duplicate risk ref, first defined in risks/more.yaml"
        in problems
    )
    assert (
        "controls/controls.yaml: CTL-01: ref: duplicate control ref, first defined in "
        "controls/controls.yaml" in problems
    )


def test_unknown_fields_placeholders_and_tags_are_reported(tmp_path: Path) -> None:
    def mutate(files: Files) -> None:
        control(files, "CTL-01")["owner"] = "typo for owner_role"
        control(files, "CTL-02")["statement"] = "The {owner} checks {sistem} every {frequency}."
        control(files, "CTL-03")["statement"] = "Broken {brace"
        risk(files, "R-TST-01")["tags"] = ["remote-workforce", "moon-base"]
        risk(files, "R-TST-02")["scenario"]["trigger"] = "extra"

    assert problems_of(tmp_path, mutate) == [
        "risks/risks.yaml: R-TST-01: tags: unknown tag 'moon-base'; declare it in library.yaml",
        "risks/risks.yaml: R-TST-02: scenario.trigger: unknown field",
        "controls/controls.yaml: CTL-01: owner: unknown field",
        "controls/controls.yaml: CTL-02: statement: unknown placeholder {sistem}",
        "controls/controls.yaml: CTL-03: statement: broken braces in text (expected '}' before "
        "end of string); write placeholders as {name}",
    ]


def test_invalid_refs_and_criterion_consistency(tmp_path: Path) -> None:
    def mutate(files: Files) -> None:
        risk(files, "R-TST-02")["ref"] = "r lower case"
        criteria = files["frameworks/testfw.yaml"]["criteria"]
        criteria[0]["series"] = "T7"
        criteria[1]["parent"] = "T0.0"

    problems = problems_of(tmp_path, mutate)
    assert "frameworks/testfw.yaml: T1.1: series: 'T7' is not one of: T1" in problems
    assert "frameworks/testfw.yaml: T1.2: parent: unknown criterion 'T0.0' in testfw" in problems
    assert any(
        p.startswith("risks/risks.yaml: r lower case: ref: 'r lower case' is not a valid ref")
        for p in problems
    )


def test_every_problem_is_reported_in_one_pass(tmp_path: Path) -> None:
    def mutate(files: Files) -> None:
        for r in files["risks/risks.yaml"]["risks"]:
            r["likelihood"] = 0
        for c in files["controls/controls.yaml"]["controls"]:
            c["nature"] = "robotic"

    assert len(problems_of(tmp_path, mutate)) == 5


def test_missing_manifest_and_folder(tmp_path: Path) -> None:
    path = make_library(tmp_path / "lib")
    (path / "library.yaml").unlink()
    _, problems = read_library(path)
    assert str(problems[0]) == "library.yaml: is missing"
    _, problems = read_library(tmp_path / "nowhere")
    assert [str(p) for p in problems] == [f"{tmp_path / 'nowhere'}: is not a folder"]


def test_integrity_rules_are_enforced(tmp_path: Path) -> None:
    def mutate(files: Files) -> None:
        controls = files["controls/controls.yaml"]["controls"]
        # T1.1 keeps only supporting mappings; R-TST-02 keeps one control
        controls[0]["criteria"] = {"primary": ["T1.2"], "supporting": []}
        for c in controls[1:]:
            c["mitigates"] = [m for m in c["mitigates"] if m["risk"] != "R-TST-02"]
        controls[2]["evidence"] = ["EV-ONE"]

    library, problems = read_library(make_library(tmp_path / "lib", mutate))
    assert problems == []
    assert [str(p) for p in integrity_problems(library)] == [
        "frameworks: T1.1: no control satisfies this criterion as primary",
        "risks: R-TST-02: fewer than 2 controls mitigate this risk",
        "evidence: EV-TWO: no control uses this evidence type",
    ]
    with pytest.raises(LibraryInvalid) as caught:
        parse_library(tmp_path / "lib")
    assert len(caught.value.problems) == 3


def test_minimum_counts_are_a_setting_of_the_library(tmp_path: Path) -> None:
    def mutate(files: Files) -> None:
        files["library.yaml"]["minimums"] = {"controls": 4, "policies": 1}

    library, _ = read_library(make_library(tmp_path / "lib", mutate))
    assert [str(p) for p in integrity_problems(library)] == [
        "library.yaml: minimums.controls: the library has 3, needs 4"
    ]


def test_retired_controls_name_their_successors(tmp_path: Path) -> None:
    def retire(files: Files) -> None:
        files["library.yaml"]["retired"] = {"OLD-01": ["CTL-01", "CTL-02"], "OLD-02": []}

    library = parse_library(make_library(tmp_path / "lib", retire))
    assert library.meta.retired == {"OLD-01": ("CTL-01", "CTL-02"), "OLD-02": ()}


def test_bad_retired_entries_are_reported_with_file_entry_and_field(tmp_path: Path) -> None:
    def retire(files: Files) -> None:
        files["library.yaml"]["retired"] = {
            "OLD-01": ["CTL-99"],
            "CTL-01": ["CTL-02"],
            "OLD-02": ["OLD-02"],
            "OLD-03": [3],
            "bad ref": [],
        }

    assert problems_of(tmp_path, retire) == [
        "library.yaml: retired.OLD-03: must be a list of the refs of its successors",
        "library.yaml: retired.bad ref: 'bad ref' is not a control ref",
        "library.yaml: OLD-01: retired: unknown successor control 'CTL-99'",
        "library.yaml: CTL-01: retired: CTL-01 is retired but still defined in "
        "controls/controls.yaml",
        "library.yaml: OLD-02: retired: OLD-02 cannot succeed itself",
    ]


def test_a_retirement_names_its_successors_or_says_there_is_none() -> None:
    assert Retirement(("IAM-02A", "IAM-02B"), "2026.12.0").label == (
        "retired; replaced by IAM-02A, IAM-02B"
    )
    assert Retirement().label == "retired; no successor named"
