"""Pages at 1280 and 1440 px wide with 150 selected controls and 10,000-character texts.

Each page is photographed into screens/layout/ (not committed) for a person to look at; the
test checks what the photographs show: nothing wider than the window, the header on one row,
the coverage gap table at full width below the heatmap, and no heatmap label cut off.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.big_assessment import OWNER_EMAIL, PASSWORD, big_app, seed_big_assessment
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, LiveServer, requires_chromium

playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
pytestmark = requires_chromium

SCREENS = Path(__file__).resolve().parents[2] / "screens" / "layout"
WIDTHS = (1280, 1440)

# the elements that reach past the window's right edge, outside any scrolling frame
OVERFLOWING = """() => {
  const w = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= w) return [];
  const scrolls = (e) => {
    for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
      if (getComputedStyle(p).overflowX !== 'visible') return true;
    }
    return false;
  };
  const reach = (e) => {
    const r = e.getBoundingClientRect();
    if (getComputedStyle(e).overflowX !== 'visible') return r.right;
    return Math.max(r.right, r.left + e.scrollWidth);
  };
  const name = (e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
    + (typeof e.className === 'string' && e.className ? '.' + e.className.trim() : '');
  const out = [];
  for (const e of document.querySelectorAll('body *')) {
    if (reach(e) <= w + 1 || scrolls(e) || [...e.children].some(c => reach(c) > w + 1)) continue;
    out.push(name(e.parentElement) + ' > ' + name(e) + ' reaches ' + Math.round(reach(e)));
  }
  const wide = document.documentElement.scrollWidth;
  return out.length ? out.slice(0, 5) : ['the page is ' + wide + ' px wide'];
}"""
# whether the header's brand, links and menus share one row (every one overlaps every other)
HEADER_ON_ONE_ROW = """() => { const boxes = [...document.querySelectorAll('.nav > *')]
  .map(e => e.getBoundingClientRect()).filter(r => r.height > 0);
  return Math.max(...boxes.map(r => r.top)) < Math.min(...boxes.map(r => r.bottom)); }"""
# each domain label of the heatmap and whether its frame shows all of it
HEATMAP_LABELS = """() => {
  const frame = document.querySelector('.heatmap-scroll').getBoundingClientRect();
  const plot = document.querySelector('#coverage-heatmap .nsewdrag').getBoundingClientRect();
  return [...document.querySelectorAll('#coverage-heatmap .annotation')]
    .filter(a => a.getBoundingClientRect().top >= plot.bottom)
    .map(a => { const r = a.getBoundingClientRect();
      return [a.textContent, r.top >= plot.bottom && r.bottom <= frame.bottom]; });
}"""


@pytest.fixture
def big(tmp_path: Path):
    app = big_app(tmp_path)
    seeded = seed_big_assessment(app)
    server = LiveServer(app)
    yield server, seeded
    server.stop()


def test_pages_fit_the_window_at_1280_and_1440_with_150_controls(big) -> None:
    server, seeded = big
    a = seeded.assessment_id
    pages = {
        "assessments": "/assessments/",
        "assessment": f"/assessments/{a}",
        **{step: f"/assessments/{a}/steps/{step}" for step in ("scope", "risks", "treatment")},
        **{step: f"/assessments/{a}/steps/{step}" for step in ("controls", "coverage", "quality")},
        "members": "/org/members",
        "audit": "/audit/",
    }
    SCREENS.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": WIDTHS[0], "height": 900})
        page.goto(f"{server.url}/sign-in")
        page.fill("input[name=email]", OWNER_EMAIL)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_selector("details.menu")
        for name, path in pages.items():
            page.set_viewport_size({"width": WIDTHS[0], "height": 900})
            page.goto(server.url + path)  # loaded at the narrower width, then widened
            if name == "coverage":
                page.wait_for_selector("#coverage-heatmap .main-svg")
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 900})
                page.screenshot(path=SCREENS / f"{width}-{name}.png")
                problems += [f"{width} {path}: {o}" for o in page.evaluate(OVERFLOWING)]
                if not page.evaluate(HEADER_ON_ONE_ROW):
                    problems.append(f"{width} {path}: the header wraps")
                if name == "coverage":
                    _check_coverage(page, width)
        browser.close()
    assert problems == []


def _check_coverage(page, width: int) -> None:
    """The gap table has the page's width, below the heatmap; no domain label is cut off."""
    frame = page.locator(".heatmap-scroll").bounding_box()
    gaps = page.locator("#gap-table").bounding_box()
    main = page.locator("main").bounding_box()
    assert frame and gaps and main
    assert gaps["y"] > frame["y"] + frame["height"], f"{width}: the gap table is beside the heatmap"
    assert gaps["width"] > 0.9 * (main["width"] - 40), f"{width}: the gap table is squeezed"
    labels = page.evaluate(HEATMAP_LABELS)
    shown = {text for text, _ in labels}
    assert {"governance", "risk management", "vulnerability management"} <= shown
    assert [text for text, whole in labels if not whole] == [], f"{width}: labels cut off"
    page.locator(".heatmap-scroll").screenshot(path=SCREENS / f"{width}-heatmap.png")
