"""Write a parsed library to the database in place, and read it back as domain data."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Set
from dataclasses import asdict
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..domain.library import model as dom
from ..models import (
    ApplicabilityTag,
    Control,
    ControlCriterion,
    ControlEvidence,
    ControlPolicy,
    ControlRisk,
    Criterion,
    EvidenceType,
    Framework,
    LibraryRelease,
    PolicyTemplate,
    Risk,
)
from .library_report import SyncReport, record_successors

Progress = Callable[[str], None]


def _apply(row: Any, values: Mapping[str, Any]) -> bool:
    changed = False
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return changed


def _sync_nodes(
    session: Session,
    model: type,
    kind: str,
    existing: dict[Hashable, Any],
    incoming: Iterable[tuple[Hashable, dict[str, Any]]],
    report: SyncReport,
) -> dict[Hashable, Any]:
    """Create or update rows matched by key; retire the rows no longer in the library."""
    seen: set[Hashable] = set()
    for position, (key, values) in enumerate(incoming):
        values = {**values, "position": position, "retired": False}
        seen.add(key)
        row = existing.get(key)
        if row is None:
            row = model(**values)
            session.add(row)
            existing[key] = row
            report.created[kind] += 1
        elif _apply(row, values):
            report.updated[kind] += 1
    for key, row in existing.items():
        if key not in seen and not row.retired:
            row.retired = True
            report.retired[kind] += 1
    return existing


def _sync_edges(
    session: Session,
    model: type,
    kind: str,
    key_columns: tuple[str, str],
    incoming: dict[tuple[int, int], dict[str, Any]],
    report: SyncReport,
    kept_controls: Set[int],
    kept_risks: Set[int] = frozenset(),
) -> None:
    """Make the library's edges of one kind equal `incoming`, touching only what differs.

    Edges of retired controls (`kept_controls`), and mitigations of retired
    risks (`kept_risks`), stay as they were at retirement, so an assessment
    that still operates the control, or still rates the risk, sees no change.
    """
    rows = session.scalars(sa.select(model).where(model.assessment_id.is_(None))).all()
    for row in rows:
        if row.control_id in kept_controls or getattr(row, "risk_id", None) in kept_risks:
            continue
        key = (getattr(row, key_columns[0]), getattr(row, key_columns[1]))
        values = incoming.pop(key, None)
        if values is None:
            session.delete(row)
            report.removed[kind] += 1
        elif _apply(row, values):
            report.updated[kind] += 1
    for (a, b), values in incoming.items():
        session.add(model(**{key_columns[0]: a, key_columns[1]: b}, **values))
        report.created[kind] += 1


def _library_rows(session: Session, model: type, key: Callable[[Any], Hashable]) -> dict:
    query = sa.select(model)
    if hasattr(model, "assessment_id"):
        query = query.where(model.assessment_id.is_(None))
    return {key(row): row for row in session.scalars(query)}


def sync_library(
    session: Session, library: dom.Library, progress: Progress | None = None
) -> SyncReport:
    """Write `library` over the library rows, in place; flush only, the caller commits.

    Rows are matched by ref (criteria by framework and ref). Entries missing from
    `library` are marked retired, never deleted, so assessments that point at them
    keep working; rows that belong to an assessment are never read or written.
    """
    say = progress or (lambda _msg: None)
    report = SyncReport()

    say("applicability tags")
    _sync_nodes(
        session,
        ApplicabilityTag,
        "tags",
        _library_rows(session, ApplicabilityTag, lambda r: r.key),
        ((key, asdict(tag)) for key, tag in library.meta.tags.items()),
        report,
    )
    say("frameworks and criteria")
    frameworks = _sync_nodes(
        session,
        Framework,
        "frameworks",
        _library_rows(session, Framework, lambda r: r.slug),
        (
            (
                slug,
                {
                    "slug": slug,
                    "name": fw.name,
                    "version": fw.version,
                    "categories": [asdict(c) for c in fw.categories],
                    "series": [asdict(s) for s in fw.series],
                },
            )
            for slug, fw in library.frameworks.items()
        ),
        report,
    )
    session.flush()
    criteria = _sync_nodes(
        session,
        Criterion,
        "criteria",
        _library_rows(session, Criterion, lambda r: (r.framework.slug, r.ref)),
        (
            (
                key,
                {
                    "framework_id": frameworks[c.framework].id,
                    "ref": c.ref,
                    "series": c.series,
                    "category": c.category,
                    "title": c.title,
                    "description": c.description,
                    "points_of_focus": list(c.points_of_focus),
                },
            )
            for key, c in library.criteria.items()
        ),
        report,
    )
    fresh = {key for key, row in criteria.items() if row in session.new}
    session.flush()
    for key, c in library.criteria.items():
        parent = criteria[(c.framework, c.parent)].id if c.parent else None
        if criteria[key].parent_id != parent:
            criteria[key].parent_id = parent
            if key not in fresh:
                report.updated["criteria"] += 1

    say("risks, controls, evidence types and policies")
    risks = _sync_nodes(
        session,
        Risk,
        "risks",
        _library_rows(session, Risk, lambda r: r.ref),
        ((ref, {**asdict(r), "tags": list(r.tags)}) for ref, r in library.risks.items()),
        report,
    )
    controls = _library_rows(session, Control, lambda r: r.ref)
    was_retired = {ref for ref, row in controls.items() if row.retired}
    _sync_nodes(
        session,
        Control,
        "controls",
        controls,
        ((ref, asdict(c)) for ref, c in library.controls.items()),
        report,
    )
    record_successors(controls, library, report, was_retired)
    evidence = _sync_nodes(
        session,
        EvidenceType,
        "evidence_types",
        _library_rows(session, EvidenceType, lambda r: r.ref),
        ((ref, asdict(e)) for ref, e in library.evidence.items()),
        report,
    )
    policies = _sync_nodes(
        session,
        PolicyTemplate,
        "policies",
        _library_rows(session, PolicyTemplate, lambda r: r.ref),
        (
            (
                ref,
                {
                    **asdict(p),
                    "roles": [asdict(r) for r in p.roles],
                    "sections": [asdict(s) for s in p.sections],
                },
            )
            for ref, p in library.policies.items()
        ),
        report,
    )
    session.flush()

    say("mappings")
    kept = {row.id for row in controls.values() if row.retired}
    _sync_edges(
        session,
        ControlCriterion,
        "satisfies",
        ("control_id", "criterion_id"),
        {
            (controls[e.control].id, criteria[(e.framework, e.criterion)].id): {
                "strength": e.strength
            }
            for e in library.satisfies
        },
        report,
        kept,
    )
    _sync_edges(
        session,
        ControlRisk,
        "mitigates",
        ("control_id", "risk_id"),
        {
            (controls[e.control].id, risks[e.risk].id): {
                "likelihood_effect": e.likelihood,
                "impact_effect": e.impact,
            }
            for e in library.mitigates
        },
        report,
        kept,
        {row.id for row in risks.values() if row.retired},
    )
    _sync_edges(
        session,
        ControlEvidence,
        "evidenced_by",
        ("control_id", "evidence_type_id"),
        {(controls[e.control].id, evidence[e.evidence].id): {} for e in library.evidenced_by},
        report,
        kept,
    )
    _sync_edges(
        session,
        ControlPolicy,
        "documented_in",
        ("control_id", "policy_id"),
        {
            (controls[e.control].id, policies[e.policy].id): {"is_primary": e.primary}
            for e in library.documented_in
        },
        report,
        kept,
    )
    latest = session.scalars(
        sa.select(LibraryRelease).order_by(LibraryRelease.id.desc()).limit(1)
    ).first()
    if (
        report.changed
        or latest is None
        or (latest.name, latest.version) != (library.meta.name, library.meta.version)
    ):
        session.add(
            LibraryRelease(
                name=library.meta.name,
                version=library.meta.version,
                created=sum(report.created.values()),
                updated=sum(report.updated.values()),
                retired=sum(report.retired.values()),
            )
        )
    session.flush()
    return report


def latest_release(session: Session) -> LibraryRelease | None:
    """Return the record of the last library load, or None when none was loaded."""
    return session.scalars(
        sa.select(LibraryRelease).order_by(LibraryRelease.id.desc()).limit(1)
    ).first()


def _fields(obj: Any, cls: type, **extra: Any) -> Any:
    names = [f for f in cls.__dataclass_fields__ if f not in extra]
    return cls(**{name: getattr(obj, name) for name in names}, **extra)


def read_library(session: Session) -> dom.Library:
    """Return the current (not retired) library rows as a domain Library."""
    release = session.scalars(
        sa.select(LibraryRelease).order_by(LibraryRelease.id.desc()).limit(1)
    ).first()
    tags = {
        t.key: dom.Tag(t.key, t.description, t.question, t.help, t.default)
        for t in session.scalars(_current(ApplicabilityTag))
    }
    lib = dom.Library(
        meta=dom.LibraryMeta(
            name=release.name if release else "",
            version=release.version if release else "",
            tags=tags,
        )
    )
    for fw in session.scalars(sa.select(Framework).where(~Framework.retired)):
        lib.frameworks[fw.slug] = dom.Framework(
            slug=fw.slug,
            name=fw.name,
            version=fw.version,
            categories=tuple(dom.Category(**c) for c in fw.categories),
            series=tuple(dom.Series(**s) for s in fw.series),
        )
    slugs = {fw.id: fw.slug for fw in session.scalars(sa.select(Framework))}
    criteria_rows = session.scalars(
        sa.select(Criterion).where(~Criterion.retired).order_by(Criterion.position)
    ).all()
    criterion_keys = {c.id: (slugs[c.framework_id], c.ref) for c in criteria_rows}
    for c in criteria_rows:
        framework, ref = criterion_keys[c.id]
        lib.criteria[(framework, ref)] = dom.Criterion(
            framework=framework,
            ref=ref,
            series=c.series,
            category=c.category,
            title=c.title,
            description=c.description,
            points_of_focus=tuple(c.points_of_focus),
            parent=criterion_keys[c.parent_id][1] if c.parent_id in criterion_keys else None,
        )
    risk_refs: dict[int, str] = {}
    for r in session.scalars(_current(Risk)):
        risk_refs[r.id] = r.ref
        lib.risks[r.ref] = _fields(r, dom.Risk, tags=tuple(r.tags))
    control_refs: dict[int, str] = {}
    for c in session.scalars(_current(Control)):
        control_refs[c.id] = c.ref
        lib.controls[c.ref] = _fields(c, dom.Control)
    evidence_refs: dict[int, str] = {}
    for e in session.scalars(_current(EvidenceType)):
        evidence_refs[e.id] = e.ref
        lib.evidence[e.ref] = _fields(e, dom.EvidenceType)
    policy_refs: dict[int, str] = {}
    for p in session.scalars(_current(PolicyTemplate)):
        policy_refs[p.id] = p.ref
        lib.policies[p.ref] = _fields(
            p,
            dom.PolicyTemplate,
            roles=tuple(dom.PolicyRole(**r) for r in p.roles),
            sections=tuple(dom.PolicySection(**s) for s in p.sections),
        )
    for e in _library_edges(session, ControlCriterion):
        if e.control_id in control_refs and e.criterion_id in criterion_keys:
            framework, ref = criterion_keys[e.criterion_id]
            lib.satisfies.append(
                dom.Satisfies(control_refs[e.control_id], framework, ref, e.strength)
            )
    for e in _library_edges(session, ControlRisk):
        if e.control_id in control_refs and e.risk_id in risk_refs:
            lib.mitigates.append(
                dom.Mitigates(
                    control_refs[e.control_id],
                    risk_refs[e.risk_id],
                    e.likelihood_effect,
                    e.impact_effect,
                )
            )
    for e in _library_edges(session, ControlEvidence):
        if e.control_id in control_refs and e.evidence_type_id in evidence_refs:
            lib.evidenced_by.append(
                dom.EvidencedBy(control_refs[e.control_id], evidence_refs[e.evidence_type_id])
            )
    for e in _library_edges(session, ControlPolicy):
        if e.control_id in control_refs and e.policy_id in policy_refs:
            lib.documented_in.append(
                dom.DocumentedIn(control_refs[e.control_id], policy_refs[e.policy_id], e.is_primary)
            )
    return lib


def _current(model: type) -> sa.Select:
    query = sa.select(model).where(~model.retired).order_by(model.position)
    if hasattr(model, "assessment_id"):
        query = query.where(model.assessment_id.is_(None))
    return query


def _library_edges(session: Session, model: type) -> Iterable[Any]:
    return session.scalars(sa.select(model).where(model.assessment_id.is_(None)).order_by(model.id))


_CACHE: dict[str, tuple[tuple[int, object], dom.Library]] = {}


def cached_library(session: Session) -> dom.Library:
    """Return read_library's result, re-read only when a newer library release was loaded.

    Library rows change only through a load, which records a release, so the
    newest release id (and its time) keys the cache; each database URL has
    its own entry.
    """
    latest = session.execute(
        sa.select(LibraryRelease.id, LibraryRelease.loaded_at)
        .order_by(LibraryRelease.id.desc())
        .limit(1)
    ).first()
    key = (latest[0], latest[1]) if latest else (0, None)
    url = str(session.get_bind().url)
    hit = _CACHE.get(url)
    if hit is None or hit[0] != key:
        hit = (key, read_library(session))
        _CACHE[url] = hit
    return hit[1]
