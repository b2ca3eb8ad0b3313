"""Factories with defaults for test data: a small, valid library folder to mutate."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

Files = dict[str, Any]


def _control(ref: str, primary: list[str], supporting: list[str], **extra: Any) -> dict:
    return {
        "ref": ref,
        "title": f"Control {ref}",
        "statement": "Each {frequency}, the {owner} reviews access to {system} and files the "
        "signed review in {ticketing_system}.",
        "domain": "access-control",
        "type": "detective",
        "nature": "manual",
        "frequency": "quarterly",
        "owner_role": "IT Manager",
        "criteria": {"primary": primary, "supporting": supporting},
        "mitigates": [
            {"risk": "R-TST-01", "likelihood": 1, "impact": 0},
            {"risk": "R-TST-02", "likelihood": 0, "impact": 1},
        ],
        "evidence": ["EV-ONE"],
        "policy": "POL-ONE",
        **extra,
    }


def _risk(ref: str, **extra: Any) -> dict:
    return {
        "ref": ref,
        "title": f"Risk {ref}",
        "category": "access-identity",
        "scenario": {
            "threat": "A former employee",
            "weakness": "accounts are not removed at exit",
            "consequence": "customer data is read after they leave",
        },
        "likelihood": 3,
        "likelihood_rationale": "Leavers happen every month.",
        "impact": 4,
        "impact_rationale": "Customer data would be exposed.",
        "tags": ["remote-workforce"],
        **extra,
    }


BASE_FILES: Files = {
    "library.yaml": {
        "name": "Test library",
        "version": "1.0",
        "minimums": {"risks": 2, "controls": 3},
        "tags": {"remote-workforce": "Staff work remotely."},
    },
    "frameworks/testfw.yaml": {
        "framework": {
            "slug": "testfw",
            "name": "Test framework",
            "version": "1",
            "categories": [{"key": "security", "name": "Security", "always_in_scope": True}],
            "series": [{"ref": "T1", "title": "Access", "category": "security"}],
        },
        "criteria": [
            {
                "ref": "T1.1",
                "series": "T1",
                "category": "security",
                "title": "Logical access",
                "description": "Access is limited to people who need it.",
                "points_of_focus": ["Accounts are unique", "Access is reviewed"],
            },
            {
                "ref": "T1.2",
                "series": "T1",
                "category": "security",
                "title": "Removal of access",
                "description": "Access ends when it is no longer needed.",
                "points_of_focus": ["Leavers lose access promptly"],
                "parent": "T1.1",
            },
        ],
    },
    "risks/risks.yaml": {"risks": [_risk("R-TST-01"), _risk("R-TST-02", tags=[])]},
    "controls/controls.yaml": {
        "controls": [
            _control("CTL-01", ["T1.1", "T1.2"], [], also_documented_in=["POL-TWO"]),
            _control("CTL-02", ["T1.2"], ["T1.1"]),
            _control("CTL-03", [], ["T1.1", "T1.2"], evidence=["EV-ONE", "EV-TWO"]),
        ]
    },
    "evidence/evidence.yaml": {
        "evidence": [
            {
                "ref": "EV-ONE",
                "title": "Access review record",
                "description": "The signed quarterly review.",
                "collection": "Exported by the IT Manager.",
                "sample": "One review with sign-off date.",
                "frequency": "quarterly",
            },
            {
                "ref": "EV-TWO",
                "title": "Offboarding ticket",
                "description": "Ticket closing a leaver's accounts.",
                "collection": "From the ticketing system.",
                "sample": "A ticket with timestamps.",
                "frequency": "per-event",
                "population": "Every termination in the period from the HR system.",
                "completeness": "Reconciled with the payroll leavers report.",
                "sample_unit": "One leaver",
            },
        ]
    },
    "policies/policies.yaml": {
        "policies": [
            {
                "ref": ref,
                "title": title,
                "owner_role": "IT Manager",
                "purpose": "Sets how {org} grants access.",
                "scope": "All staff and systems.",
                "roles": [{"role": "IT Manager", "responsibilities": "Runs reviews."}],
                "sections": [{"heading": "Principles", "text": "Least privilege."}],
                "exceptions": "Approved by the CTO.",
                "enforcement": "Breaches lead to discipline.",
                "review": "annual",
            }
            for ref, title in (("POL-ONE", "Access Policy"), ("POL-TWO", "Security Policy"))
        ]
    },
}


def library_files() -> Files:
    """Return a deep copy of the small library's files, as data, for a test to change."""
    return copy.deepcopy(BASE_FILES)


def write_library(path: Path, files: Files, raw: dict[str, str] | None = None) -> Path:
    """Write `files` (data) and `raw` (exact text) under `path`; return `path`."""
    for rel, data in files.items():
        target = path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    for rel, text in (raw or {}).items():
        target = path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    return path


def make_library(path: Path, mutate: Callable[[Files], None] | None = None) -> Path:
    """Write the small valid library under `path`, after `mutate` changed it if given."""
    files = library_files()
    if mutate:
        mutate(files)
    return write_library(path, files)
