"""An assessment's data is kept between requests only while nothing it is read from changes.

Each test starts a new transaction before each read, as each request does, and
makes its writes the way another process would: on a connection of its own,
committed. Runs on SQLite and on PostgreSQL (the triggers differ).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from riskapp.app import MIGRATIONS
from riskapp.config import SEED_LIBRARY
from riskapp.domain.assessment.model import AssessmentData
from riskapp.domain.coverage.report import Coverage
from riskapp.extensions import db
from riskapp.models import (
    AssessedRisk,
    Assessment,
    AuditEvent,
    Control,
    ControlCriterion,
    Criterion,
    Organization,
    Risk,
    SelectedControl,
    System,
    Vendor,
    VendorReport,
)
from riskapp.repository.revisions import trusted_revision
from riskapp.services import assessment_cache
from riskapp.services import coverage as coverage_service
from riskapp.services.demo import create_demo
from riskapp.services.library import load_library
from tests.test_carveouts_web import _count


def _migration() -> Any:
    path = MIGRATIONS / "versions" / "0019_data_revision.py"
    spec = importlib.util.spec_from_file_location("data_revision_migration", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def kept() -> Iterator[Callable[[], dict[str, int]]]:
    """Empty the kept data; return how many reads and reuses happened since."""
    assessment_cache.clear()
    before = dict(assessment_cache.STATS)
    yield lambda: {k: assessment_cache.STATS[k] - before[k] for k in before}
    assessment_cache.clear()


def _load(row: Assessment) -> tuple[AssessmentData, Coverage]:
    db.session.rollback()  # a new transaction, as a new request has
    _library, data, coverage = coverage_service.load(row)
    return data, coverage


def _elsewhere(write: Callable[[Session], Any]) -> None:
    """Make and commit a write on a connection of its own, as another process would."""
    with Session(db.engine) as other:
        write(other)
        other.commit()


def _status(coverage: Coverage, ref: str) -> str:
    return next(c.status for c in coverage.criteria if c.ref == ref)


def _control_id(session: Session, ref: str) -> int:
    found = session.scalar(sa.select(Control.id).where(Control.ref == ref))
    assert found is not None
    return found


def test_every_watched_table_carries_its_triggers(app) -> None:
    """A later migration that rebuilds a watched table on SQLite drops its triggers: caught here."""
    migration = _migration()
    with db.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            names = set(
                conn.scalars(sa.text("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"))
            )
        else:
            names = set(
                conn.scalars(sa.text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))
            )
    expected = {
        f"riskapp_rev_{table}_{event}"
        for table in migration.WATCHED
        for event in ("insert", "update", "delete")
    } | {"riskapp_rev_organization_update"}
    assert expected - names == set()
    # every table the assessment's data is read from, less the library's own
    assert set(migration.WATCHED) == {
        "assessment",
        "selected_control",
        "assessed_risk",
        "criterion_exclusion",
        "control",
        "risk",
        "control_criterion",
        "control_risk",
        "control_evidence",
        "control_policy",
        "system",
        "vendor",
        "vendor_report",
    }


def test_data_is_read_once_and_reused_while_nothing_changes(two_orgs, kept) -> None:
    a = two_orgs.assessment_a
    first, _ = _load(a)
    second, _ = _load(a)
    assert second is first
    assert kept() == {"read": 1, "reused": 1}
    # the other organisation's assessment is its own entry
    _load(two_orgs.assessment_b)
    assert kept() == {"read": 2, "reused": 1}


def test_a_selection_made_elsewhere_is_seen_on_the_next_read(two_orgs, kept) -> None:
    a = two_orgs.assessment_a
    data, coverage = _load(a)
    assert data.controls == [] and _status(coverage, "T1.1") == "gap"

    _elsewhere(
        lambda s: s.add(
            SelectedControl(
                assessment_id=a.id, control_id=_control_id(s, "CTL-01"), status="implemented"
            )
        )
    )
    data, coverage = _load(a)
    assert [(c.ref, c.status) for c in data.controls] == [("CTL-01", "implemented")]
    assert _status(coverage, "T1.1") == "covered"

    _elsewhere(
        lambda s: s.execute(
            sa.update(SelectedControl)
            .where(SelectedControl.assessment_id == a.id)
            .values(status="not-applicable", na_reason="No such system.")
        )
    )
    data, coverage = _load(a)
    assert [(c.ref, c.status) for c in data.controls] == [("CTL-01", "not-applicable")]
    assert _status(coverage, "T1.1") == "gap"

    _elsewhere(
        lambda s: s.execute(sa.delete(SelectedControl).where(SelectedControl.assessment_id == a.id))
    )
    data, _ = _load(a)
    assert data.controls == []
    assert kept() == {"read": 4, "reused": 0}
    _load(a)
    assert kept() == {"read": 4, "reused": 1}


def _rename_assessment(s: Session, a: Assessment) -> None:
    s.execute(sa.update(Assessment).where(Assessment.id == a.id).values(name="Renamed"))


def _org_settings(s: Session, a: Assessment) -> None:
    s.execute(
        sa.update(Organization)
        .where(Organization.id == a.organization_id)
        .values(settings={"system": "Elsewhere"})
    )


def _system(s: Session, a: Assessment) -> None:
    s.execute(
        sa.update(System).where(System.organization_id == a.organization_id).values(in_scope=False)
    )


def _vendor(s: Session, a: Assessment) -> None:
    vendor = Vendor(organization_id=a.organization_id, name="Hosting Co")
    s.add(vendor)
    s.flush()
    s.commit()  # the vendor first; its report, the row watched here, in a later transaction
    s.add(VendorReport(vendor_id=vendor.id, kind="soc2-type2"))


def _rating(s: Session, a: Assessment) -> None:
    risk_id = s.scalar(
        sa.select(Risk.id).where(Risk.ref == "R-TST-01", Risk.assessment_id.is_(None))
    )
    s.add(AssessedRisk(assessment_id=a.id, risk_id=risk_id, likelihood=3, impact=3))


def _own_control(s: Session, a: Assessment) -> None:
    control = Control(
        assessment_id=a.id,
        ref="OWN-01",
        title="Our own control",
        statement="Our own wording.",
        domain="access-control",
        type="preventive",
        nature="manual",
        frequency="quarterly",
        owner_role="CISO",
    )
    s.add(control)
    s.flush()
    s.commit()  # the control first; its mapping, the row watched here, in a later transaction
    criterion_id = s.scalar(sa.select(Criterion.id).where(Criterion.ref == "T1.1"))
    s.add(
        ControlCriterion(
            assessment_id=a.id, control_id=control.id, criterion_id=criterion_id, strength="primary"
        )
    )


@pytest.mark.parametrize(
    "write",
    [_rename_assessment, _org_settings, _system, _vendor, _rating, _own_control],
    ids=lambda w: w.__name__.strip("_"),
)
def test_each_kind_of_write_elsewhere_changes_the_revision(two_orgs, write) -> None:
    a = two_orgs.assessment_a
    db.session.rollback()
    before = trusted_revision(db.session, a.id)
    assert before
    db.session.rollback()
    _elsewhere(lambda s: write(s, a))
    db.session.rollback()
    after = trusted_revision(db.session, a.id)
    assert after and after != before
    # the other organisation's revision is not touched
    b = two_orgs.assessment_b
    assert trusted_revision(db.session, b.id) == trusted_revision(db.session, b.id)


def test_writes_outside_an_assessment_leave_the_revision_alone(two_orgs) -> None:
    """The library's own rows and the audit trail are not an assessment's data."""
    a = two_orgs.assessment_a
    db.session.rollback()
    before = trusted_revision(db.session, a.id)
    db.session.rollback()
    _elsewhere(
        lambda s: s.execute(
            sa.update(Control).where(Control.assessment_id.is_(None)).values(owner_role="CTO")
        )
    )
    _elsewhere(
        lambda s: s.add(
            AuditEvent(
                organization_id=a.organization_id,
                action="update",
                object_kind="assessment",
                summary="x",
                changes={},
            )
        )
    )
    db.session.rollback()
    assert trusted_revision(db.session, a.id) == before


def test_a_transaction_that_has_written_reads_afresh_and_keeps_nothing(two_orgs, kept) -> None:
    a = two_orgs.assessment_a
    _load(a)
    db.session.add(
        SelectedControl(
            assessment_id=a.id, control_id=_control_id(db.session, "CTL-01"), status="implemented"
        )
    )
    db.session.flush()  # written, not committed
    assert trusted_revision(db.session, a.id) is None
    _library, data, coverage = coverage_service.load(a)
    assert [c.ref for c in data.controls] == ["CTL-01"]
    assert _status(coverage, "T1.1") == "covered"

    db.session.rollback()  # the write never happened: what was kept before still stands
    data, coverage = _load(a)
    assert data.controls == [] and _status(coverage, "T1.1") == "gap"
    assert kept() == {"read": 1, "reused": 1}


def test_a_write_committed_during_a_read_is_not_kept_under_the_older_revision(
    two_orgs, kept, monkeypatch
) -> None:
    a = two_orgs.assessment_a
    real = assessment_cache.to_assessment_data
    raced: list[int] = []

    def read_then_race(*args: Any, **kwargs: Any) -> AssessmentData:
        data = real(*args, **kwargs)
        if not raced:  # another process selects a control after the data was read
            raced.append(1)
            _elsewhere(
                lambda s: s.add(
                    SelectedControl(
                        assessment_id=a.id,
                        control_id=_control_id(s, "CTL-02"),
                        status="implemented",
                    )
                )
            )
        return data

    monkeypatch.setattr(assessment_cache, "to_assessment_data", read_then_race)
    data, _ = _load(a)
    assert data.controls == []  # read before the write: right for that moment, not kept
    data, _ = _load(a)
    assert [c.ref for c in data.controls] == ["CTL-02"]
    assert kept() == {"read": 2, "reused": 0}


def test_a_stale_row_in_the_session_is_part_of_the_key(two_orgs, kept) -> None:
    """A row read before another process changed it gives data of its own, never kept for the
    fresh row."""
    a = two_orgs.assessment_a
    _load(a)
    db.session.rollback()
    assert a.period_start is None  # loaded in this transaction
    _elsewhere(
        lambda s: s.execute(
            sa.update(Assessment)
            .where(Assessment.id == a.id)
            .values(period_start=date(2026, 1, 1), period_end=date(2026, 12, 31))
        )
    )
    _library, data, _ = coverage_service.load(a)  # the row as this session first read it
    assert data.scope.period_start is None
    data, _ = _load(a)  # a new transaction reads the row again
    assert data.scope.period_start == date(2026, 1, 1)
    assert kept() == {"read": 3, "reused": 0}


def test_an_open_writer_does_not_hold_up_another_writer_of_the_same_organisation(
    two_orgs,
) -> None:
    """PostgreSQL: the revision is set at commit (a deferred trigger), so an open transaction
    holds no lock on the organisation's row while it works."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only: SQLite serialises writers with one database lock")
    a = two_orgs.assessment_a
    ids = []
    for ref in ("CTL-01", "CTL-02"):
        choice = SelectedControl(
            assessment_id=a.id, control_id=_control_id(db.session, ref), status="planned"
        )
        db.session.add(choice)
        db.session.flush()
        ids.append(choice.id)
    db.session.commit()
    before = trusted_revision(db.session, a.id)
    db.session.rollback()
    with db.engine.connect() as first, db.engine.connect() as second:
        first.execute(
            sa.update(SelectedControl).where(SelectedControl.id == ids[0]).values(owner="Ana")
        )  # open, not committed
        second.execute(sa.text("SET lock_timeout = '2s'"))
        second.execute(
            sa.update(SelectedControl).where(SelectedControl.id == ids[1]).values(owner="Ben")
        )
        second.commit()  # would wait for `first` (and time out) if it held the row
        db.session.rollback()
        after_second = trusted_revision(db.session, a.id)
        db.session.rollback()
        first.commit()
    after_first = trusted_revision(db.session, a.id)
    assert len({before, after_second, after_first}) == 3


def test_the_coverage_page_reuses_kept_data_until_a_set_aside_changes_it(
    client, auth, app, make_member, kept
) -> None:
    """Through the web: views reuse the kept data, a submitted change is on the next view."""
    load_library(SEED_LIBRARY)
    org_id, assessment_id = create_demo("Kept Ltd")
    db.session.commit()
    owner = make_member(db.session.get(Organization, org_id), "owner", email="lead@kept.example")
    auth.sign_in(owner.user.email)
    url = f"/assessments/{assessment_id}/steps/coverage"
    first = client.get(url).get_data(as_text=True)
    client.get(url)
    assert _count(first, "not_applicable") == 0
    assert kept() == {"read": 1, "reused": 1}

    response = auth.post(
        f"{url}/set-aside",
        {"criterion": "CC6.4", "kind": "not_applicable", "reason": "No premises."},
        token_from=url,  # a view of the page for its form token: kept data again
    )
    assert response.status_code == 302
    assert kept() == {"read": 1, "reused": 2}
    page = client.get(url).get_data(as_text=True)
    assert _count(page, "not_applicable") == 1 and "No premises." in page
    assert kept() == {"read": 2, "reused": 2}  # the change: read afresh
    client.get(url)
    assert kept() == {"read": 2, "reused": 3}
