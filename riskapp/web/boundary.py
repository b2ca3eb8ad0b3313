"""What a request may carry, checked once for every route: ids the database can hold and
text without the characters that PostgreSQL and XML files cannot store."""

from __future__ import annotations

from typing import Any

from flask import Flask, Request
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.exceptions import LengthRequired, RequestEntityTooLarge
from werkzeug.routing import IntegerConverter, Map

from ..domain.textsafety import strip_xml_illegal

# Every id column is an Integer: PostgreSQL's int4 stops here (SQLite's INTEGER goes further),
# so a larger id can name no row and must not reach a query, where it overflowed (500).
LARGEST_ID = 2**31 - 1


def digits_at_most(bound: int) -> str:
    """Return a regex matching exactly the decimal numbers from 0 to `bound` (leading 0s allowed).

    Shorter numbers match freely; numbers as long as `bound` match digit by digit:
    the same digits as `bound` up to some position, then a smaller digit, then any.
    """
    text = str(bound)
    longest = len(text)
    branches = [rf"\d{{1,{longest - 1}}}"] if longest > 1 else []
    for i, digit in enumerate(text):
        if digit != "0":
            rest = longest - i - 1
            tail = rf"\d{{{rest}}}" if rest else ""
            branches.append(f"{text[:i]}[0-{int(digit) - 1}]{tail}")
    branches.append(text)
    return "(?:" + "|".join(branches) + ")"


class DatabaseIdConverter(IntegerConverter):
    """An `int` URL part the database can compare: 0 to 2**31 - 1; anything else is a 404."""

    # a larger number never matches, so no route of any method claims it: a plain 404
    regex = digits_at_most(LARGEST_ID)

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", LARGEST_ID)
        super().__init__(map, *args, **kwargs)


def _clean(values: MultiDict[str, str]) -> ImmutableMultiDict[str, str]:
    return ImmutableMultiDict(
        [
            (strip_xml_illegal(key), strip_xml_illegal(value))
            for key, value in values.items(multi=True)
        ]
    )


class CleanRequest(Request):
    """A request whose form and query text has NUL and the other unstorable characters removed.

    Every view, form and service downstream sees only text the database and the
    exported files can hold, so none of them can answer 500 for a stray control
    character pasted from another tool.
    """

    def _load_form_data(self) -> None:
        if "form" not in self.__dict__:
            self._refuse_oversize_stream()
        super()._load_form_data()
        self.__dict__["form"] = _clean(self.__dict__["form"])

    def _refuse_oversize_stream(self) -> None:
        """Measure a body sent without a length (chunked) before parsing it.

        Werkzeug cuts such a body at the size limit without saying so, and the cut
        form then fails its CSRF check ("Form expired"); the sender should hear
        that it was too large instead.
        """
        limit = self.max_content_length
        if self.content_length is not None or limit is None or not self.want_form_data_parsed:
            return
        if "chunked" not in self.headers.get("Transfer-Encoding", "").lower():
            return
        if "wsgi.input_terminated" not in self.environ:
            raise LengthRequired(
                "This server needs to know the size of what you send; nothing was changed."
            )
        data = self.environ["wsgi.input"].read(limit + 1)
        if len(data) > limit:
            raise RequestEntityTooLarge()
        self._cached_data = data  # parsed from here instead of the consumed stream

    @property
    def args(self) -> ImmutableMultiDict[str, str]:  # type: ignore[override]
        if "_clean_args" not in self.__dict__:
            self.__dict__["_clean_args"] = _clean(super().args)
        return self.__dict__["_clean_args"]  # type: ignore[no-any-return]


def init_boundary(app: Flask) -> None:
    """Install the id converter (before any route is added) and the cleaning request class."""
    app.url_map.converters["int"] = DatabaseIdConverter
    app.request_class = CleanRequest
