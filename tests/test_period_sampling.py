"""Sample sizes from the shipped table, the fingerprint and the seeded, stratified draw."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from pathlib import Path

import pytest

from riskapp.config import SEED_LIBRARY
from riskapp.domain.errors import InvalidInput
from riskapp.domain.period.draw import (
    derive_seed,
    draw,
    pick_offset,
    rederive,
    runs,
)
from riskapp.domain.period.fingerprint import Item, diff, fingerprint, normalised_line
from riskapp.domain.period.sizes import (
    SampleSizeTable,
    read_table,
    sample_size,
    table_from_data,
    table_to_data,
)


@pytest.fixture(scope="module")
def table() -> SampleSizeTable:
    return read_table(SEED_LIBRARY / "sampling" / "default.yaml")


@pytest.mark.parametrize(
    ("frequency", "size"),
    [("annual", 1), ("quarterly", 2), ("monthly", 2), ("weekly", 5), ("daily", 25)],
)
def test_periodic_sizes_come_from_the_table(
    table: SampleSizeTable, frequency: str, size: int
) -> None:
    assert sample_size(table, frequency, 261).size == size


def test_many_times_a_day_tests_forty(table: SampleSizeTable) -> None:
    assert sample_size(table, "multiple-daily", 2000).size == 40


@pytest.mark.parametrize(
    ("population", "size"),
    [(1, 1), (10, 10), (11, 8), (50, 8), (51, 15), (250, 15), (251, 25), (100_000, 25)],
)
def test_per_event_bands_at_their_boundaries(
    table: SampleSizeTable, population: int, size: int
) -> None:
    assert sample_size(table, "per-event", population).size == size


def test_a_population_no_larger_than_its_sample_is_tested_whole(table: SampleSizeTable) -> None:
    found = sample_size(table, "weekly", 4)
    assert (found.size, found.population) == (4, 4)
    assert "≤ sample" in found.rule


def test_prior_deviation_takes_the_next_larger_size(table: SampleSizeTable) -> None:
    assert sample_size(table, "per-event", 11, prior_deviation=True).size == 11  # 15 > 11
    assert sample_size(table, "per-event", 60, prior_deviation=True).size == 25
    assert sample_size(table, "per-event", 300, prior_deviation=True).size == 40
    assert sample_size(table, "quarterly", 365, prior_deviation=True).size == 5
    assert sample_size(table, "daily", 365, prior_deviation=True).size == 40
    top = sample_size(table, "multiple-daily", 5000, prior_deviation=True)
    assert top.size == 40  # the largest size stays


def test_an_empty_population_tests_nothing_and_a_census_tests_all(table: SampleSizeTable) -> None:
    assert sample_size(table, "per-event", 0).size == 0
    census = sample_size(table, "per-event", 300, census=True)
    assert (census.size, census.census) == (300, True)


def test_the_shipped_table_credits_its_source(table: SampleSizeTable) -> None:
    assert "Chiaro" in table.source and table.licence == "CC BY 4.0" and table.changes


def test_a_table_round_trips_and_bad_tables_name_each_problem(table: SampleSizeTable) -> None:
    assert table_from_data(table_to_data(table)) == table
    with pytest.raises(InvalidInput) as caught:
        table_from_data({"periodic": {"weekly": 0}, "bands": [{"up_to": 10, "size": "x"}]})
    assert set(caught.value.problems) == {"periodic.weekly", "bands.1.size", "bands"}


def _population(n: int, start: date = date(2026, 1, 1)) -> list[Item]:
    return [
        Item(f"HR-{i:05d}", start + timedelta(days=i % 365), f"New hire {i}", {"team": "ops"})
        for i in range(n)
    ]


def test_the_fingerprint_ignores_row_order_and_surrounding_spaces() -> None:
    items = _population(50)
    shuffled = list(reversed(items))
    assert fingerprint(items) == fingerprint(shuffled)
    padded = [Item(f" {i.id} ", i.date, f"{i.description}  ", i.extra) for i in items]
    assert fingerprint(padded) == fingerprint(items)


def test_changing_one_item_changes_the_fingerprint_and_the_draw() -> None:
    items = _population(400)
    changed = [*items[:-1], Item(items[-1].id, items[-1].date, "Edited", items[-1].extra)]
    assert fingerprint(changed) != fingerprint(items)
    a = draw(items, 25, "assessment:1", "HR-01")
    b = draw(changed, 25, "assessment:1", "HR-01")
    assert a.seed != b.seed and a.picked_ids != b.picked_ids


def test_the_seed_is_sha256_of_the_documented_inputs() -> None:
    expected = hashlib.sha256(b"riskapp-sample-v1|assessment:7|HR-01|abc").hexdigest()
    assert derive_seed("assessment:7", "HR-01", "abc") == expected
    with pytest.raises(ValueError):
        derive_seed("assessment:7", "HR|01", "abc")


def test_runs_split_the_population_into_contiguous_even_slices() -> None:
    assert runs(10, 3) == [(0, 3), (3, 6), (6, 10)]
    assert runs(3, 8) == [(0, 1), (1, 2), (2, 3)]
    assert runs(0, 5) == [] and runs(5, 0) == []


def test_a_hand_worked_draw() -> None:
    # Six items on six days, two to pick: runs [0,3) and [3,6); each pick is
    # int(sha256(seed|r), 16) mod 3 — worked here with hashlib alone.
    items = [Item(f"E{i}", date(2026, 1, 1 + i), "") for i in range(6)]
    fp = hashlib.sha256(
        "\n".join(
            sorted(
                f'{{"date":"2026-01-0{1 + i}","description":"","extra":{{}},"id":"E{i}"}}'
                for i in range(6)
            )
        ).encode()
    ).hexdigest()
    assert fingerprint(items) == fp
    seed = hashlib.sha256(f"riskapp-sample-v1|assessment:1|CTL-01|{fp}".encode()).hexdigest()
    first = int(hashlib.sha256(f"{seed}|0".encode()).hexdigest(), 16) % 3
    second = 3 + int(hashlib.sha256(f"{seed}|1".encode()).hexdigest(), 16) % 3
    result = draw(list(reversed(items)), 2, "assessment:1", "CTL-01")
    assert result.seed == seed
    assert result.picked_ids == (f"E{first}", f"E{second}")
    assert pick_offset(seed, 0, 3) == first


def test_the_draw_spans_the_period_one_item_per_run() -> None:
    items = _population(365)
    result = draw(items, 12, "assessment:3", "HR-02")
    days = [i.date for i in result.picked]
    assert days == sorted(days)
    for r, (start, stop) in enumerate(runs(365, 12)):
        ordered = sorted(items, key=lambda i: (i.date, i.id))
        assert result.picked[r] in ordered[start:stop]


def test_same_population_in_another_order_draws_the_same_sample() -> None:
    items = _population(1000)
    again = sorted(items, key=lambda i: i.description)
    assert draw(items, 25, "assessment:1", "X-1") == draw(again, 25, "assessment:1", "X-1")


def test_a_small_or_empty_population_is_taken_whole_or_gives_nothing() -> None:
    items = _population(5)
    assert set(draw(items, 8, "assessment:1", "X-1").picked_ids) == {i.id for i in items}
    empty = draw([], 0, "assessment:1", "X-1")
    assert empty.picked == () and empty.population == 0


def test_a_stored_draw_rederives_to_a_match_and_a_tampered_one_does_not() -> None:
    items = _population(300)
    stored = draw(items, 25, "assessment:9", "HR-01")
    ok = rederive(
        list(reversed(items)),
        "assessment:9",
        "HR-01",
        stored_seed=stored.seed,
        stored_fingerprint=stored.fingerprint,
        stored_ids=stored.picked_ids,
    )
    assert ok.matches
    swapped = ("HR-99999", *stored.picked_ids[1:])
    bad = rederive(
        items,
        "assessment:9",
        "HR-01",
        stored_seed=stored.seed,
        stored_fingerprint=stored.fingerprint,
        stored_ids=swapped,
    )
    assert not bad.matches and bad.seed_matches


def test_the_diff_names_added_removed_and_changed_items() -> None:
    old = _population(5)
    new = [*old[1:4], Item(old[4].id, old[4].date, "Changed"), Item("HR-NEW", date(2026, 5, 1))]
    found = diff(old, new)
    assert found.added == ("HR-NEW",)
    assert found.removed == ("HR-00000",)
    assert found.changed == ("HR-00004",)
    assert found.summary() == "1 added, 1 removed, 1 changed"


def test_the_shipped_table_file_is_in_the_seed_library() -> None:
    assert (Path(SEED_LIBRARY) / "sampling" / "default.yaml").is_file()


def test_the_canonical_line_is_sorted_compact_json() -> None:
    import json

    item = Item(" A-1 ", date(2026, 3, 1), 'Says "hi"\n', {"z": "é", "a ": " ü "})
    expected = json.dumps(
        {
            "id": "A-1",
            "date": "2026-03-01",
            "description": 'Says "hi"',
            "extra": {"z": "é", "a": "ü"},
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    assert normalised_line(item) == expected


def test_a_tables_texts_lose_control_characters() -> None:
    table = table_from_data(
        {"name": "Firm\x00 X", "periodic": {"monthly": 3}, "bands": [{"up_to": None, "size": 9}]}
    )
    assert table.name == "Firm X"
