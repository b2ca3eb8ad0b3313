"""Period services on the database: populations, re-import diffs, draws, evidence, package."""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from datetime import date

import pytest
import sqlalchemy as sa

from riskapp.domain.errors import InvalidInput, RuleViolation, UploadRejected
from riskapp.domain.period.population_file import PopulationInvalid
from riskapp.extensions import db
from riskapp.models import AuditEvent, Evidence, Population, PopulationItem, Sample
from riskapp.services import evidence as evidence_service
from riskapp.services import period as period_service
from riskapp.services import populations as population_service
from riskapp.services.populations import Source
from tests.period.conftest import PeriodWorld, population_csv

SOURCE = Source("BambooHR", "New hires report", "Dana", date(2027, 1, 5))
PDF = b"%PDF-1.7\n% a signed handbook acknowledgement\n%%EOF\n"


def _import(world: PeriodWorld, content: bytes, ref: str = "CTL-01") -> Population:
    preview = population_service.preview(world.assessment, ref, io.BytesIO(content), "hires.csv")
    return population_service.replace(world.assessment, ref, preview.parsed, SOURCE)


def _kinds(kind: str) -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.object_kind == kind)))


def test_an_import_records_items_source_and_fingerprint(period_world: PeriodWorld) -> None:
    row = _import(period_world, population_csv(60))
    db.session.commit()
    assert (row.item_count, row.source_system, row.pulled_by) == (60, "BambooHR", "Dana")
    assert len(row.fingerprint) == 64
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PopulationItem)) == 60
    assert [e.action for e in _kinds("population")] == ["create"]
    summary = _kinds("population")[0].summary  # the audit trail names what was imported
    assert summary.startswith("CTL-01 ") and summary.endswith(": population of 60 from BambooHR")


def test_a_reimport_previews_the_diff_and_the_replace_is_audited(period_world: PeriodWorld) -> None:
    _import(period_world, population_csv(60))
    db.session.commit()
    preview = population_service.preview(
        period_world.assessment, "CTL-01", io.BytesIO(population_csv(60, start_day=2)), "h.csv"
    )
    assert preview.diff.added == ("HR-0060", "HR-0061")
    assert preview.diff.removed == ("HR-0000", "HR-0001")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PopulationItem)) == 60
    population_service.replace(period_world.assessment, "CTL-01", preview.parsed, SOURCE)
    db.session.commit()
    update = [e for e in _kinds("population") if e.action == "update"][-1]
    assert update.changes["last_change.added"]["after"] == 2
    assert update.changes["last_change.removed"]["after"] == 2


def test_a_bad_file_changes_nothing(period_world: PeriodWorld) -> None:
    _import(period_world, population_csv(20))
    db.session.commit()
    before = population_service.populations(period_world.assessment)[0].fingerprint
    bad = population_csv(20) + b"HR-9999,2027-02-01,late,x\n"
    with pytest.raises(PopulationInvalid) as caught:
        _import(period_world, bad)
    assert caught.value.problems == [
        "row 22: date 2027-02-01 is outside the period 2026-01-01 to 2026-12-31"
    ]
    db.session.rollback()
    assert population_service.populations(period_world.assessment)[0].fingerprint == before


def test_an_empty_population_is_recorded_explicitly(period_world: PeriodWorld) -> None:
    row = population_service.record_empty(period_world.assessment, "CTL-01", SOURCE)
    assert (row.item_count, row.pulled_at) == (0, date(2027, 1, 5))
    sample, _ = period_service.draw_sample(period_world.assessment, "CTL-01")
    assert (sample.size, sample.items, sample.rule) == (0, [], "empty population: nothing to test")


def test_a_population_is_only_for_per_event_controls(period_world: PeriodWorld) -> None:
    with pytest.raises(InvalidInput, match="monthly"):
        _import(period_world, population_csv(5), ref="CTL-02")
    with pytest.raises(RuleViolation, match="no population"):
        period_service.draw_sample(period_world.assessment, "CTL-01")


def test_same_population_in_another_row_order_draws_the_same_sample(
    period_world: PeriodWorld,
) -> None:
    _import(period_world, population_csv(300))
    first, new = period_service.draw_sample(period_world.assessment, "CTL-01")
    assert new and first.size == 25 and first.table_name.startswith("Chiaro")
    lines = population_csv(300).decode().splitlines()
    shuffled = "\n".join([lines[0], *reversed(lines[1:])]).encode()
    _import(period_world, shuffled)
    again, new_again = period_service.draw_sample(period_world.assessment, "CTL-01")
    assert not new_again and again.id == first.id


def test_a_changed_item_draws_again_keeping_the_earlier_draw(period_world: PeriodWorld) -> None:
    _import(period_world, population_csv(300))
    first, _ = period_service.draw_sample(period_world.assessment, "CTL-01")
    _import(period_world, population_csv(300, changed=7))
    second, new = period_service.draw_sample(period_world.assessment, "CTL-01")
    db.session.commit()
    assert new and second.fingerprint != first.fingerprint and second.seed != first.seed
    samples = db.session.scalars(sa.select(Sample).order_by(Sample.id)).all()
    assert [s.current for s in samples] == [False, True]
    assert sorted(e.action for e in _kinds("sample")) == ["create", "create", "update"]
    assert all(
        e.summary.startswith("CTL-01 ") and ": sample of " in e.summary for e in _kinds("sample")
    )


def test_a_stored_draw_rederives_to_a_match(period_world: PeriodWorld) -> None:
    _import(period_world, population_csv(120))
    sample, _ = period_service.draw_sample(period_world.assessment, "CTL-01")
    assert period_service.rederive_sample(period_world.assessment, sample).matches
    _import(period_world, population_csv(120, changed=3))
    result = period_service.rederive_sample(period_world.assessment, sample)
    assert not result.matches and not result.fingerprint_matches


def test_periodic_controls_sample_their_occurrences(period_world: PeriodWorld) -> None:
    monthly, _ = period_service.draw_sample(period_world.assessment, "CTL-02")
    daily, _ = period_service.draw_sample(period_world.assessment, "CTL-03")
    assert (monthly.size, monthly.population_size, monthly.source) == (2, 12, "occurrences")
    assert (daily.size, daily.population_size) == (25, 261)


def test_census_and_prior_deviation_are_recorded(period_world: PeriodWorld) -> None:
    a = period_world.assessment
    period_service.set_control_options(a, "CTL-02", census=False, deviation=True)
    assert period_service.draw_sample(a, "CTL-02")[0].size == 5
    period_service.set_control_options(a, "CTL-02", census=True, deviation=False)
    sample = period_service.draw_sample(a, "CTL-02")[0]
    assert (sample.size, sample.census) == (12, True)


def test_an_audit_firms_table_is_used_and_named(period_world: PeriodWorld) -> None:
    a = period_world.assessment
    table = {"name": "Firm X", "periodic": {"monthly": 3}, "bands": [{"up_to": None, "size": 30}]}
    period_service.set_table(a, table)
    sample = period_service.draw_sample(a, "CTL-02")[0]
    assert (sample.size, sample.table_name) == (3, "Firm X")
    assert not period_service.uses_shipped_table(a)
    period_service.set_table(a, None)
    assert period_service.uses_shipped_table(a)


def _attach(world: PeriodWorld, content: bytes, name: str, **target: object) -> Evidence:
    return evidence_service.attach_file(
        world.assessment,
        evidence_service.Target(**target),  # type: ignore[arg-type]
        io.BytesIO(content),
        name,
        evidence_service.Details(date(2026, 2, 10), "Dana", "signed"),
        root=world.evidence_dir,
        max_bytes=1024,
    )


def test_a_file_is_stored_by_sha256_and_flagged_outside_its_window(
    period_world: PeriodWorld,
) -> None:
    row = _attach(period_world, PDF, "ack.pdf", control_ref="CTL-02", occurrence_number=2)
    digest = hashlib.sha256(PDF).hexdigest()
    assert row.sha256 == digest and row.size == len(PDF) and row.media_type == "application/pdf"
    stored = evidence_service.file_path(row, period_world.evidence_dir)
    assert stored.read_bytes() == PDF and stored.name == digest
    assert not evidence_service.outside_window(row)  # February is occurrence 2
    march = _attach(period_world, PDF, "ack.pdf", control_ref="CTL-02", occurrence_number=3)
    assert evidence_service.outside_window(march)
    assert list((period_world.evidence_dir / "tmp").iterdir()) == []


def test_refused_uploads_store_nothing(period_world: PeriodWorld) -> None:
    with pytest.raises(UploadRejected, match="program"):
        _attach(
            period_world,
            b"MZ\x90\x00" + b"\x00" * 50,
            "ack.pdf",
            control_ref="CTL-02",
            occurrence_number=1,
        )
    with pytest.raises(UploadRejected, match="larger"):
        _attach(period_world, PDF * 100, "big.pdf", control_ref="CTL-02", occurrence_number=1)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Evidence)) == 0
    files = [p for p in period_world.evidence_dir.rglob("*") if p.is_file()]
    assert files == []


def test_evidence_for_a_sampled_item_and_the_streamed_package(period_world: PeriodWorld) -> None:
    _import(period_world, population_csv(30))
    sample, _ = period_service.draw_sample(period_world.assessment, "CTL-01")
    item = sample.items[0]["id"]
    row = _attach(period_world, PDF, "ack.pdf", control_ref="CTL-01", item_id=item)
    evidence_service.attach_link(
        period_world.assessment,
        evidence_service.Target("CTL-02", 1),
        "https://tickets.example.com/T-1",
        evidence_service.Details(date(2026, 1, 20)),
    )
    with pytest.raises(InvalidInput):
        _attach(period_world, PDF, "x.pdf", control_ref="CTL-01", item_id="HR-NOT-SAMPLED")
    out = period_world.evidence_dir.parent / "package.zip"
    evidence_service.write_package(period_world.assessment, out, period_world.evidence_dir)
    with zipfile.ZipFile(out) as archive:
        manifest = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode())))
        assert len(manifest) == 2
        for entry in manifest:
            if entry["sha256"]:
                assert hashlib.sha256(archive.read(entry["file"])).hexdigest() == entry["sha256"]
        assert manifest[0]["file"].startswith(f"CTL-01/item-{item.lower()}/{row.id}-")
        assert "Chiaro" in archive.read("README.txt").decode()


def test_hidden_evidence_is_kept_and_audited(period_world: PeriodWorld) -> None:
    row = _attach(period_world, PDF, "ack.pdf", control_ref="CTL-02", occurrence_number=2)
    evidence_service.hide(row)
    db.session.commit()
    assert evidence_service.listing(period_world.assessment) == []
    assert db.session.get(Evidence, row.id).deleted_at is not None
    assert [e.action for e in _kinds("evidence")] == ["create", "update"]


def test_the_calendar_counts_due_evidenced_and_overdue(period_world: PeriodWorld) -> None:
    _attach(period_world, PDF, "ack.pdf", control_ref="CTL-02", occurrence_number=1)
    found = period_service.calendar(period_world.assessment, today=date(2026, 4, 15))
    monthly = next(r for r in found.rows if r.control.ref == "CTL-02")
    assert (monthly.total.due, monthly.total.evidenced) == (12, 1)
    assert monthly.months[(2026, 1)].evidenced == 1
    assert monthly.total.overdue == 2  # February and March
    assert found.total.due == 12 + 261 + 1


def test_a_past_occurrence_with_evidence_survives_a_frequency_change(
    period_world: PeriodWorld,
) -> None:
    from riskapp.models import SelectedControl

    _attach(period_world, PDF, "ack.pdf", control_ref="CTL-02", occurrence_number=1)
    chosen = db.session.scalars(
        sa.select(SelectedControl).where(SelectedControl.frequency == "monthly")
    ).one()
    chosen.frequency = "quarterly"
    db.session.flush()
    found = period_service.calendar(period_world.assessment, today=date(2026, 4, 15))
    row = next(r for r in found.rows if r.control.ref == "CTL-02")
    assert len(row.slots) == 5 and [s.retained for s in row.slots].count(True) == 1


def test_a_type1_assessment_has_no_period(period_world: PeriodWorld) -> None:
    period_world.assessment.report_type = "type1"
    with pytest.raises(RuleViolation, match="no Type 2 period"):
        period_service.calendar(period_world.assessment)


def test_a_killed_upload_leaves_only_a_temporary_file_that_is_swept(
    period_world: PeriodWorld,
) -> None:
    import os
    import time

    from riskapp.repository.evidence_files import sweep_partials

    tmp = period_world.evidence_dir / "tmp"
    tmp.mkdir(parents=True)
    stale = tmp / "dead.part"
    stale.write_bytes(b"half an upload")
    old = time.time() - 7200
    os.utime(stale, (old, old))
    fresh = tmp / "live.part"
    fresh.write_bytes(b"in progress")
    assert sweep_partials(period_world.evidence_dir) == 1
    assert not stale.exists() and fresh.exists()
    assert evidence_service.listing(period_world.assessment) == []
