"""How much text each column holds, read from the model itself.

Forms (their validators and `maxlength` attributes), the services' checks and the
messages a user reads all take a text limit from here, so the form, the database
and the message agree: change a column's length and all of them follow.
"""

from __future__ import annotations

from typing import Any

from ..domain.textsafety import too_long


def column_length(attribute: Any) -> int | None:
    """Return the length of a model attribute's String column (None: unbounded text)."""
    column = attribute.property.columns[0]
    length = getattr(column.type, "length", None)
    return int(length) if length is not None else None


def model_column_length(dotted: str) -> int | None:
    """Return the length of the column named "Model.attribute" (templates name columns so)."""
    from .. import models

    model, _, attribute = dotted.partition(".")
    return column_length(getattr(getattr(models, model), attribute))


def length_problem(label: str, text: str, attribute: Any) -> str | None:
    """Return the message for text longer than the attribute's column, or None when it fits."""
    limit = column_length(attribute)
    if limit is not None and len(text) > limit:
        return too_long(label, limit, len(text))
    return None
