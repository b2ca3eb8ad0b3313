"""Read and validate a library folder (format: seed_library/README.md).

`read_library` returns the parsed library and every problem found; it never
stops at the first problem, so an author fixes a whole file in one go.
`parse_library` is the strict form: it raises `LibraryInvalid` unless the
library is clean, including the integrity rules.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from ..errors import LibraryInvalid
from .entries import MANIFEST, ControlLinks, EntryReaders
from .integrity import integrity_problems
from .model import (
    Category,
    Criterion,
    DocumentedIn,
    EvidencedBy,
    Framework,
    Library,
    LibraryMeta,
    Mitigates,
    Satisfies,
    Series,
    Tag,
)
from .problems import SLUG_RE, EntryReader, Problem
from .retirement import read_retired, retired_problems

# libyaml's C loader when present (the PyYAML wheels ship it): same safety, ~10x faster.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
KINDS: tuple[tuple[str, str], ...] = (
    ("frameworks", "criteria"),
    ("risks", "risks"),
    ("controls", "controls"),
    ("evidence", "evidence"),
    ("policies", "policies"),
)
MINIMUM_KEYS = ("risks", "controls", "evidence_types", "policies")

Progress = Callable[[str], None]


class _Parser(EntryReaders):
    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[Problem] = []
        self.library = Library(meta=LibraryMeta(name="", version=""))
        self.first_seen: dict[tuple[str, Any], str] = {}
        self.links: list[ControlLinks] = []

    # -- files -----------------------------------------------------------------
    def load_yaml(self, path: Path) -> Any:
        rel = path.relative_to(self.root).as_posix()
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            self.problems.append(Problem(rel, "", "", "is not UTF-8 text"))
            return None
        except OSError as exc:
            self.problems.append(Problem(rel, "", "", f"cannot be read: {exc.strerror}"))
            return None
        try:
            return yaml.load(text, Loader=_SAFE_LOADER)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
            what = getattr(exc, "problem", None) or str(exc)
            self.problems.append(Problem(rel, "", "", f"invalid YAML{where}: {what}"))
            return None

    def entries(self, path: Path, key: str) -> Iterable[tuple[str, int, Any]]:
        rel = path.relative_to(self.root).as_posix()
        data = self.load_yaml(path)
        if data is None:
            return []
        if not isinstance(data, Mapping) or key not in data:
            self.problems.append(Problem(rel, "", key, f"the file must hold a '{key}:' list"))
            return []
        items = data[key]
        if items is None:
            return []
        if not isinstance(items, list):
            self.problems.append(Problem(rel, "", key, "must be a list of entries"))
            return []
        return [(rel, i, item) for i, item in enumerate(items, start=1)]

    def reader(self, rel: str, index: int, item: Any) -> EntryReader:
        ref = item.get("ref") if isinstance(item, Mapping) else None
        label = str(ref) if isinstance(ref, str) and ref.strip() else f"entry {index}"
        return EntryReader(self.problems, rel, label, item)

    def unique(self, kind: str, key: Any, reader: EntryReader) -> bool:
        if key in ("", None) or (isinstance(key, tuple) and "" in key):
            return False
        seen = self.first_seen.get((kind, key))
        if seen is not None:
            reader.problem("ref", f"duplicate {kind} ref, first defined in {seen}")
            return False
        self.first_seen[(kind, key)] = reader.file
        return True

    # -- manifest --------------------------------------------------------------
    def manifest(self) -> None:
        path = self.root / MANIFEST
        if not path.is_file():
            self.problems.append(Problem(MANIFEST, "", "", "is missing"))
            return
        data = self.load_yaml(path)
        if data is None and not self.problems:
            data = {}
        if data is None:
            return
        r = EntryReader(self.problems, MANIFEST, "", data)
        name = r.text("name")
        version = r.text("version")
        minimums: dict[str, int] = {}
        raw_min = r.mapping("minimums", required=False)
        for key, value in raw_min.items():
            if key not in MINIMUM_KEYS:
                r.problem(f"minimums.{key}", f"unknown kind; use one of {', '.join(MINIMUM_KEYS)}")
            elif isinstance(value, bool) or not isinstance(value, int) or value < 0:
                r.problem(f"minimums.{key}", f"must be a whole number, got {value!r}")
            else:
                minimums[key] = value
        tags: dict[str, Tag] = {}
        for key, value in r.mapping("tags", required=False).items():
            if not isinstance(key, str) or not SLUG_RE.match(key):
                r.problem(f"tags.{key}", "tag names are lower-case words joined by '-'")
            elif isinstance(value, str) and value.strip():
                tags[key] = Tag(key, value.strip())
            elif isinstance(value, Mapping):
                t = r.nested(f"tags.{key}", value)
                tags[key] = Tag(
                    key,
                    description=t.text("description"),
                    question=t.text("question", required=False),
                    help=t.text("help", required=False),
                    default=t.boolean("default"),
                )
                t.finish()
            else:
                r.problem(f"tags.{key}", "needs a description, or a mapping with one")
        retired = read_retired(r)
        r.finish()
        self.library.meta = LibraryMeta(
            name=name, version=version, minimums=minimums, tags=tags, retired=retired
        )

    # -- frameworks and criteria -------------------------------------------------
    def framework_file(self, path: Path) -> None:
        rel = path.relative_to(self.root).as_posix()
        data = self.load_yaml(path)
        if data is None:
            return
        if not isinstance(data, Mapping) or not isinstance(data.get("framework"), Mapping):
            self.problems.append(
                Problem(rel, "", "framework", "the file must hold a 'framework:' mapping")
            )
            return
        r = EntryReader(self.problems, rel, "framework", data["framework"])
        slug = r.text("slug")
        if slug and not SLUG_RE.match(slug):
            r.problem("slug", f"{slug!r} must be lower-case letters, digits and '-'")
            slug = ""
        categories: list[Category] = []
        for i, raw in enumerate(r.items("categories", required=True), start=1):
            c = r.nested(f"categories[{i}]", raw)
            categories.append(Category(c.text("key"), c.text("name"), c.boolean("always_in_scope")))
            c.finish()
        category_keys = {c.key for c in categories}
        series: list[Series] = []
        for i, raw in enumerate(r.items("series", required=True), start=1):
            s = r.nested(f"series[{i}]", raw)
            series.append(Series(s.ref(), s.text("title"), s.choice("category", category_keys)))
            s.finish()
        framework = Framework(
            slug=slug,
            name=r.text("name"),
            version=r.text("version"),
            categories=tuple(categories),
            series=tuple(series),
        )
        r.finish()
        if slug and self.unique("framework", slug, r):
            self.library.frameworks[slug] = framework
        series_category = {s.ref: s.category for s in series}
        parents: list[tuple[EntryReader, Criterion]] = []
        for rel_, index, item in self.entries(path, "criteria"):
            c = self.reader(rel_, index, item)
            criterion = Criterion(
                framework=slug,
                ref=c.ref(),
                series=c.choice("series", series_category),
                category=c.choice("category", category_keys),
                title=c.text("title"),
                description=c.text("description"),
                points_of_focus=c.texts("points_of_focus", required=True),
                parent=c.text("parent", required=False) or None,
            )
            if not criterion.points_of_focus and "points_of_focus" in c.data:
                c.problem("points_of_focus", "needs at least one point of focus")
            expected = series_category.get(criterion.series)
            if expected and criterion.category and criterion.category != expected:
                c.problem(
                    "category",
                    f"{criterion.category!r} differs from series {criterion.series}'s "
                    f"category {expected!r}",
                )
            c.finish()
            if self.unique(f"{slug} criterion", (slug, criterion.ref), c):
                self.library.criteria[criterion.key] = criterion
                if criterion.parent:
                    parents.append((c, criterion))
        for c, criterion in parents:
            if (slug, criterion.parent) not in self.library.criteria:
                c.problem("parent", f"unknown criterion {criterion.parent!r} in {slug}")
            elif _has_cycle(self.library.criteria, criterion):
                c.problem("parent", "parents form a cycle")

    # -- risks -----------------------------------------------------------------
    def resolve_retired(self) -> None:
        """Check that retired refs are gone from the library and successors are in it."""
        defined = {ref: self.first_seen[("control", ref)] for ref in self.library.controls}
        self.problems += retired_problems(MANIFEST, self.library.meta.retired, defined)

    def resolve_links(self) -> None:
        lib = self.library
        by_ref: dict[str, list[str]] = {}
        for slug, ref in lib.criteria:
            by_ref.setdefault(ref, []).append(slug)
        for links in self.links:

            def problem(field: str, message: str, links: ControlLinks = links) -> None:
                self.problems.append(Problem(links.file, links.ref, field, message))

            for strength, refs in (("primary", links.primary), ("supporting", links.supporting)):
                for raw in refs:
                    key = _criterion_key(raw, by_ref)
                    if isinstance(key, str):
                        problem(f"criteria.{strength}", key)
                    else:
                        lib.satisfies.append(Satisfies(links.ref, key[0], key[1], strength))
            seen_risks: set[str] = set()
            for risk, likelihood, impact in links.mitigates:
                if risk not in lib.risks:
                    problem("mitigates", f"unknown risk {risk!r}")
                elif risk in seen_risks:
                    problem("mitigates", f"risk {risk} is listed twice")
                else:
                    seen_risks.add(risk)
                    lib.mitigates.append(Mitigates(links.ref, risk, likelihood, impact))
            for ref in links.evidence:
                if ref not in lib.evidence:
                    problem("evidence", f"unknown evidence type {ref!r}")
                else:
                    lib.evidenced_by.append(EvidencedBy(links.ref, ref))
            policies = [(links.policy, True)] if links.policy else []
            policies += [(p, False) for p in links.also_documented_in if p != links.policy]
            for ref, primary in policies:
                field = "policy" if primary else "also_documented_in"
                if ref not in lib.policies:
                    problem(field, f"unknown policy {ref!r}")
                else:
                    lib.documented_in.append(DocumentedIn(links.ref, ref, primary))


def read_library(
    root: Path | str, progress: Progress | None = None
) -> tuple[Library, list[Problem]]:
    """Parse every file of a library folder; return the library and all problems found."""
    root = Path(root)
    say = progress or (lambda _msg: None)
    parser = _Parser(root)
    if not root.is_dir():
        return parser.library, [Problem(str(root), "", "", "is not a folder")]
    parser.manifest()
    handlers = {
        "risks": parser.risk_entry,
        "controls": parser.control_entry,
        "evidence": parser.evidence_entry,
        "policies": parser.policy_entry,
    }
    for folder, key in KINDS:
        files = sorted((root / folder).glob("*.yaml")) + sorted((root / folder).glob("*.yml"))
        say(f"reading {folder}/ ({len(files)} files)")
        for path in files:
            if folder == "frameworks":
                parser.framework_file(path)
                continue
            for rel, index, item in parser.entries(path, key):
                handlers[folder](parser.reader(rel, index, item))
    say("checking references")
    parser.resolve_links()
    parser.resolve_retired()
    return parser.library, sorted(set(parser.problems), key=_problem_order(parser.problems))


def parse_library(root: Path | str, progress: Progress | None = None) -> Library:
    """Return the library at `root`, or raise LibraryInvalid listing every problem."""
    library, problems = read_library(root, progress)
    if not problems:
        problems = integrity_problems(library)
    if problems:
        raise LibraryInvalid(problems)
    return library


def _problem_order(problems: list[Problem]) -> Callable[[Problem], int]:
    first = {p: i for i, p in reversed(list(enumerate(problems)))}
    return lambda p: first[p]


def _criterion_key(raw: str, by_ref: Mapping[str, list[str]]) -> tuple[str, str] | str:
    """Resolve `CC6.1` or `soc2-2017:CC6.1` to a criterion key, or return the problem."""
    if ":" in raw:
        slug, ref = raw.split(":", 1)
        if slug in by_ref.get(ref, []):
            return (slug, ref)
        return f"unknown criterion {raw!r}"
    slugs = by_ref.get(raw, [])
    if not slugs:
        return f"unknown criterion {raw!r}"
    if len(slugs) > 1:
        return f"{raw!r} exists in several frameworks ({', '.join(slugs)}); write slug:{raw}"
    return (slugs[0], raw)


def _has_cycle(criteria: Mapping[tuple[str, str], Criterion], start: Criterion) -> bool:
    seen = {start.ref}
    current = start
    while current.parent:
        if current.parent in seen:
            return True
        seen.add(current.parent)
        nxt = criteria.get((current.framework, current.parent))
        if nxt is None:
            return False
        current = nxt
    return False
