"""Criteria an assessment sets aside: not applicable (with a reason) or carved out to a vendor.

A carved-out criterion is one a subservice organisation (a vendor with an
assurance report) meets for us; the report should cover the assessment's
period, and the controls that monitor that vendor should be selected.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..vendors.assurance import Bridge

NOT_APPLICABLE_CRITERION = "not_applicable"
CARVED_OUT = "carved_out"
EXCLUSION_KINDS: tuple[str, ...] = (NOT_APPLICABLE_CRITERION, CARVED_OUT)
# library controls that monitor a subservice organisation: review of its report, its CUECs
MONITORING_CONTROLS: tuple[str, ...] = ("VND-03", "VND-11")
MAX_REASON = 1000
MAX_VENDOR_CONTROLS = 2000


@dataclass(frozen=True)
class CriterionExclusion:
    """One criterion set aside in an assessment, and why."""

    framework: str
    ref: str
    kind: str
    reason: str
    id: int | None = None
    vendor: str = ""
    vendor_id: int | None = None
    vendor_controls: str = ""
    report_kind: str = ""
    bridge: Bridge | None = None

    @property
    def carved_out(self) -> bool:
        return self.kind == CARVED_OUT

    @property
    def warning(self) -> str:
        """Say what is wrong with a carve-out's vendor report, or nothing."""
        if not self.carved_out:
            return ""
        if self.bridge is not None and self.bridge.needed is None:
            return ""
        if not self.report_kind or self.report_kind == "none":
            return f"{self.vendor} has no assurance report on record for this carve-out."
        if self.bridge is not None and self.bridge.letter_needed:
            return f"{self.vendor}'s report does not cover the period. {self.bridge.describe()}"
        return ""


def exclusion_problems(kind: str, reason: str, vendor_chosen: bool) -> dict[str, str]:
    """Return field → message for a set-aside that cannot be saved."""
    problems: dict[str, str] = {}
    if kind not in EXCLUSION_KINDS:
        problems["kind"] = "Choose not applicable or carve out."
    if not reason:
        problems["reason"] = (
            "Say why this criterion does not apply."
            if kind != CARVED_OUT
            else "Say what the vendor does for this criterion."
        )
    elif len(reason) > MAX_REASON:
        problems["reason"] = f"Keep the reason under {MAX_REASON:,} characters."
    if kind == CARVED_OUT and not vendor_chosen:
        problems["vendor"] = (
            "Choose the vendor (with an assurance report) the criterion is carved out to."
        )
    return problems


def monitoring_controls_missing(
    exclusions: list[CriterionExclusion], selected: set[str], known: set[str]
) -> list[str]:
    """Return the monitoring controls a carve-out calls for, known and not yet selected."""
    if not any(e.carved_out for e in exclusions):
        return []
    return [ref for ref in MONITORING_CONTROLS if ref in known and ref not in selected]


@dataclass(frozen=True)
class SetAsideInput:
    """A request to set a criterion aside: not applicable, or carved out to a vendor (by id)."""

    criterion: str = ""
    kind: str = ""
    reason: str = ""
    vendor_id: int | None = None
    vendor_controls: str = ""
