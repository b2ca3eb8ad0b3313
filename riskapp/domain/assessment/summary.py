"""One line per assessment for the list page: its report, its period and how far it has got."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from .wizard import STEP_TITLES, STEPS

REPORT_TITLES = {"type1": "Type 1", "type2": "Type 2"}


@dataclass(frozen=True)
class AssessmentSummary:
    id: int
    name: str
    framework: str
    report_type: str
    as_of_date: date | None
    period_start: date | None
    period_end: date | None
    step_reached: str
    selected: int
    implemented: int
    updated_at: datetime

    @property
    def report(self) -> str:
        """ "Type 1" or "Type 2", as the auditor's report is called."""
        return REPORT_TITLES.get(self.report_type, self.report_type)

    @property
    def period(self) -> str:
        """The date a Type 1 speaks of, or a Type 2's period; "not set yet" until the scope says."""
        if self.report_type == "type2":
            if self.period_start and self.period_end:
                return f"{self.period_start.isoformat()} to {self.period_end.isoformat()}"
        elif self.as_of_date:
            return f"as of {self.as_of_date.isoformat()}"
        return "not set yet"

    @property
    def step_number(self) -> int:
        """The furthest step reached, counted from 1."""
        return STEPS.index(self.step_reached) + 1 if self.step_reached in STEPS else 1

    @property
    def step_count(self) -> int:
        """How many steps the guided path has."""
        return len(STEPS)

    @property
    def progress(self) -> str:
        """For example "Step 5 of 7: Controls"."""
        step = self.step_reached if self.step_reached in STEPS else STEPS[0]
        return f"Step {self.step_number} of {len(STEPS)}: {STEP_TITLES[step]}"
