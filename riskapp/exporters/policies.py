"""Policy documents (.docx) for an assessment, one per policy template, and a .zip of all.

A policy documents the selected, applicable controls mapped to it (primary or
also-documented-in); their tailored statements, grouped by domain, are the
policy statements. Headings use Word's own styles (Title, Heading 1, Heading 2)
so the navigation pane works, and carry their section numbers; the contents
list is written as plain text (no field to update), so it reads the same in
Word, LibreOffice and Google Docs. Placeholders the organisation has not
filled, and the approval block until someone approves, show as highlighted
`[name]` text to edit. The footer carries the classification label and
"Page N of M" (page fields, which word processors update on opening).
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from io import BytesIO

from ..domain.assessment.model import AssessmentData, with_custom_content
from ..domain.assessment.selection import EdgeIndex, Selected, selected_controls
from ..domain.errors import NotFound
from ..domain.evidence.plan import PERIODS, due_dates
from ..domain.library.model import DOMAINS, Library, PolicyTemplate
from ..domain.statements.render import frequency_noun, organisation_values, tailored_segments
from ._docx_writer import PolicyWriter
from .filenames import slugify

VERSION = "1.0"
# The label in every policy's title block and footer; policies are internal documents.
CLASSIFICATION = "Internal"


@dataclass(frozen=True)
class PolicyDocument:
    """One built policy: its ref, a clean file name and the .docx bytes."""

    ref: str
    filename: str
    content: bytes


def _documented(library: Library, assessment: AssessmentData) -> dict[str, list[Selected]]:
    index = EdgeIndex.of(library)
    by_policy: dict[str, dict[str, Selected]] = {}
    for item in selected_controls(library, assessment, applicable_only=True):
        for edge in index.policies.get(item.ref, ()):
            by_policy.setdefault(edge.policy, {})[item.ref] = item
    return {ref: list(members.values()) for ref, members in by_policy.items()}


def policies_to_export(library: Library, assessment: AssessmentData) -> list[str]:
    """Return refs of policies documenting at least one selected applicable control, in order."""
    merged = with_custom_content(library, assessment.custom)
    documented = _documented(merged, assessment)
    return [ref for ref in merged.policies if documented.get(ref)]


def domain_label(domain: str) -> str:
    """Return a domain key as words: "access-control" → "Access control"."""
    return domain.replace("-", " ").replace("_", " ").capitalize()


def _domain_order(domain: str) -> tuple[int, str]:
    return (DOMAINS.index(domain) if domain in DOMAINS else len(DOMAINS), domain)


def next_review(review: str, effective: date) -> date | None:
    """Return when a policy reviewed at `review` frequency is next due, or None (no cadence)."""
    if review not in PERIODS:
        return None
    return due_dates(review, effective, effective + timedelta(days=800))[0]


def build_policy_docx(
    library: Library,
    assessment: AssessmentData,
    policy_ref: str,
    *,
    effective_date: date,
    generated_at: datetime | None = None,
) -> bytes:
    """Return the .docx of one policy for the assessment; NotFound for an unknown ref."""
    merged = with_custom_content(library, assessment.custom)
    policy = merged.policies.get(policy_ref)
    if policy is None:
        raise NotFound("policy", policy_ref)
    members = _documented(merged, assessment).get(policy_ref, [])
    return _build(assessment, policy, members, effective_date, generated_at)


def _build(
    assessment: AssessmentData,
    policy: PolicyTemplate,
    members: list[Selected],
    effective_date: date,
    generated_at: datetime | None,
) -> bytes:
    values = {**organisation_values(assessment), "owner": policy.owner_role}
    org = values.get("org", "")
    review_due = next_review(policy.review, effective_date)
    doc = PolicyWriter(values)
    doc.properties(
        title=policy.title,
        subject=f"{org} {policy.title}".strip(),
        created=generated_at or datetime.combine(effective_date, time()),
        version=VERSION,
    )
    doc.header(f"{{org}} · {policy.title}" if org else policy.title)
    doc.footer(f"{CLASSIFICATION} · {policy.title}")
    doc.title(policy.title)
    doc.key_values(
        [
            ("Organisation", "{org}"),
            ("Policy", policy.title),
            ("Version", VERSION),
            ("Owner", policy.owner_role),
            ("Classification", CLASSIFICATION),
            ("Effective date", effective_date.isoformat()),
            ("Next review", review_due.isoformat() if review_due else "on each significant change"),
        ]
    )
    doc.heading("Approval", 1)
    doc.key_values(
        [
            ("Approved by", "{approver_name}"),
            ("Role", "{approver_role}"),
            ("Approval date", "{approval_date}"),
        ]
    )
    doc.heading("Version history", 1)
    doc.table(
        ("Version", "Date", "Author", "Approved by", "Changes"),
        [
            (
                VERSION,
                effective_date.isoformat(),
                policy.owner_role,
                "{approver_name}",
                "First issue.",
            ),
            ("", "", "", "", ""),
        ],
    )
    doc.contents()
    doc.numbered_heading("1.", "Purpose", 1)
    doc.paragraph(policy.purpose)
    doc.numbered_heading("2.", "Scope", 1)
    doc.paragraph(policy.scope)
    doc.numbered_heading("3.", "Roles and responsibilities", 1)
    doc.table(("Role", "Responsibilities"), [(r.role, r.responsibilities) for r in policy.roles])
    doc.numbered_heading("4.", "Policy statements", 1)
    number = 0
    for section in policy.sections:
        number += 1
        doc.numbered_heading(f"4.{number}", section.heading, 2)
        doc.paragraph(section.text)
    _statements(doc, assessment, members, number)
    doc.numbered_heading("5.", "Exceptions", 1)
    doc.paragraph(policy.exceptions)
    doc.numbered_heading("6.", "Enforcement", 1)
    doc.paragraph(policy.enforcement)
    doc.numbered_heading("7.", "Review", 1)
    doc.paragraph(_review_text(policy, review_due))
    doc.finish_contents()
    return doc.to_bytes()


def _statements(
    doc: PolicyWriter, assessment: AssessmentData, members: list[Selected], number: int
) -> None:
    by_domain: dict[str, list[Selected]] = {}
    for item in members:
        by_domain.setdefault(item.control.domain, []).append(item)
    if not by_domain:
        doc.paragraph("No selected control is documented in this policy yet.")
    for domain in sorted(by_domain, key=_domain_order):
        number += 1
        doc.numbered_heading(f"4.{number}", domain_label(domain), 2)
        for item in by_domain[domain]:
            title = item.control.title
            if item.retirement:
                title = f"{title} ({item.retirement.label})"
            doc.statement(
                title,
                tailored_segments(assessment, item.control, item.choice),
                item.ref,
            )


def _review_text(policy: PolicyTemplate, review_due: date | None) -> str:
    noun = frequency_noun(policy.review)
    when = f"at least once a {noun}" if noun else "whenever it no longer matches practice"
    text = (
        f"The {{owner}} reviews this policy {when}, and after any significant change to "
        "{org}'s systems, organisation or obligations; changes are approved by management "
        "and recorded in the version history."
    )
    if review_due:
        text += f" The next review is due by {review_due.isoformat()}."
    return text


def policy_filename(policy: PolicyTemplate, taken: Iterable[str] = ()) -> str:
    """Return a clean file name for a policy ("access-control-policy.docx"), unique in `taken`."""
    slug = slugify(policy.title, policy.ref.lower())
    name = f"{slug}.docx"
    if name in set(taken):
        name = f"{slug}-{policy.ref.lower()}.docx"
    return name


def policy_documents(
    library: Library,
    assessment: AssessmentData,
    *,
    effective_date: date,
    generated_at: datetime | None = None,
) -> Iterator[PolicyDocument]:
    """Yield every policy to export (see `policies_to_export`), built one at a time."""
    merged = with_custom_content(library, assessment.custom)
    documented = _documented(merged, assessment)
    names: list[str] = []
    for ref, policy in merged.policies.items():
        members = documented.get(ref)
        if not members:
            continue
        names.append(policy_filename(policy, names))
        content = _build(assessment, policy, members, effective_date, generated_at)
        yield PolicyDocument(ref, names[-1], content)


def zip_documents(documents: Iterable[PolicyDocument], stamp: date | None = None) -> bytes:
    """Return a .zip holding each document under its file name."""
    moment = stamp or date.today()
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for document in documents:
            info = zipfile.ZipInfo(
                document.filename, (moment.year, moment.month, moment.day, 0, 0, 0)
            )
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, document.content)
    return buffer.getvalue()


def build_policies_zip(
    library: Library,
    assessment: AssessmentData,
    *,
    effective_date: date,
    generated_at: datetime | None = None,
) -> bytes:
    """Return a .zip of every policy to export for the assessment."""
    documents = policy_documents(
        library, assessment, effective_date=effective_date, generated_at=generated_at
    )
    return zip_documents(documents, effective_date)
