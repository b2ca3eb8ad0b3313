"""One root for every error the domain raises, so callers map them in one place."""

from __future__ import annotations


class RiskappError(Exception):
    """Root of riskapp's own errors."""


class NotFound(RiskappError):
    """A ref or id names nothing the caller may see."""

    def __init__(self, kind: str, key: object) -> None:
        super().__init__(f"{kind} {key!r} not found")
        self.kind = kind
        self.key = key


class LibraryInvalid(RiskappError):
    """A library folder failed validation; `problems` lists every problem found."""

    def __init__(self, problems: list) -> None:  # list[Problem]; no import cycle
        count = len(problems)
        super().__init__(f"library is invalid: {count} problem{'s' if count != 1 else ''}")
        self.problems = problems


class InvalidInput(RiskappError):
    """Input broke a rule; `problems` maps each field to a message a user can act on."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in problems.items()))
        self.problems = problems


class PermissionDenied(RiskappError):
    """The signed-in member's role does not allow this action."""


class RuleViolation(RiskappError):
    """A change would break a rule of the organisation (the message says which)."""


class LastOwner(RuleViolation):
    """The change would leave an organisation without an owner."""

    def __init__(self, organization: str) -> None:
        super().__init__(
            f"{organization} must keep at least one owner: make another member an owner first."
        )


class InvitationInvalid(RiskappError):
    """An invitation link that is unknown, used, withdrawn or expired."""

    def __init__(self) -> None:
        super().__init__(
            "This invitation link does not work any more: it was used, withdrawn or has "
            "expired. Ask an owner of the organisation for a new one."
        )


class SignInRejected(RiskappError):
    """The email and password do not match an active account."""


class TooManyAttempts(SignInRejected):
    """Sign-in is paused for this account or address after repeated failures."""

    def __init__(self, minutes: int) -> None:
        unit = "minute" if minutes == 1 else "minutes"
        super().__init__(f"Too many failed sign-ins; try again in {minutes} {unit}.")
        self.minutes = minutes


class UploadRejected(RiskappError):
    """An uploaded file has the wrong type or size; nothing of it was read."""

    def __init__(self, message: str, *, too_large: bool = False) -> None:
        super().__init__(message)
        self.too_large = too_large
