"""What the system description is drafted from, and what a drafted section holds."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..statements.render import Segment

# where a missing item is filled, as a key the web layer turns into a link
WHERE_ORGANISATION = "organisation"
WHERE_INVENTORY = "inventory"
WHERE_INCIDENTS = "incidents"
WHERE_CUECS = "cuecs"
WHERE_EXCLUSIONS = "exclusions"
WHERE_CONTROLS = "controls"
WHERE_CHANGES = "changes"
WHERE_PERIOD = "period"


@dataclass(frozen=True)
class OrganisationAnswers:
    """The organisation's own words for DC1 and DC2."""

    services: str = ""
    commitments: str = ""
    security_commitments: str = ""
    legal_requirements: str = ""


@dataclass(frozen=True)
class Incident:
    """One incident of the incident log."""

    occurred_on: date | None
    nature: str
    timing: str = ""
    extent: str = ""
    disposition: str = ""
    significant: bool = False
    id: int | None = None


@dataclass(frozen=True)
class Component:
    """One in-scope system of the inventory, as DC3 lists it."""

    name: str
    kind: str
    classification: str
    owner: str = ""
    infrastructure: bool = False


@dataclass(frozen=True)
class ControlLine:
    """One selected, applicable control with its statement rendered for the organisation."""

    ref: str
    title: str
    statement: tuple[Segment, ...]
    owner: str
    criteria: tuple[str, ...] = ()


@dataclass(frozen=True)
class CriterionLine:
    """One in-scope criterion, its series and the refs of the controls addressing it."""

    ref: str
    title: str
    series: str
    controls: tuple[str, ...] = ()


@dataclass(frozen=True)
class CarvedOut:
    """One criterion carved out to a subservice organisation."""

    ref: str
    title: str
    vendor: str
    vendor_services: str = ""
    vendor_controls: str = ""


@dataclass(frozen=True)
class NotRelevant:
    """One criterion the assessment marks not applicable, with its reason."""

    ref: str
    title: str
    reason: str


@dataclass(frozen=True)
class Change:
    """One change to the system or its controls during the period, chosen as significant."""

    on: date
    summary: str
    id: int | None = None


@dataclass
class DescriptionInput:
    """Everything the draft is built from, as plain data."""

    organisation: str
    assessment: str
    report_type: str = "type1"
    as_of: date | None = None
    period_start: date | None = None
    period_end: date | None = None
    system_name: str = ""
    categories: tuple[str, ...] = ()
    answers: OrganisationAnswers = field(default_factory=OrganisationAnswers)
    components: list[Component] = field(default_factory=list)
    policies: list[str] = field(default_factory=list)
    incidents: list[Incident] = field(default_factory=list)
    criteria: list[CriterionLine] = field(default_factory=list)
    series_titles: dict[str, str] = field(default_factory=dict)
    controls: list[ControlLine] = field(default_factory=list)
    cuecs: list[str] = field(default_factory=list)
    carved_out: list[CarvedOut] = field(default_factory=list)
    not_relevant: list[NotRelevant] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)

    @property
    def type2(self) -> bool:
        return self.report_type == "type2"


@dataclass(frozen=True)
class Missing:
    """One fact the draft lacks: the blank's name, what to supply and where."""

    name: str
    what: str
    where: str


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of segments; unfilled segments are named blanks. `bullet` lists it."""

    parts: tuple[Segment, ...]
    bullet: bool = False
    heading: bool = False

    @property
    def text(self) -> str:
        return "".join(p.text for p in self.parts)


@dataclass(frozen=True)
class Table:
    """A table: header labels and rows of cells, each cell a tuple of segments."""

    headers: tuple[str, ...]
    rows: tuple[tuple[tuple[Segment, ...], ...], ...]
    kind: str = ""


Block = Paragraph | Table


@dataclass(frozen=True)
class Section:
    """One description criterion's section: its code, title, blocks, findings and gaps."""

    code: str
    title: str
    blocks: tuple[Block, ...]
    found: tuple[str, ...] = ()
    missing: tuple[Missing, ...] = ()
