"""The comparison report in headless Chromium (Debian's, driven by Playwright): it opens offline
from one file, its first screen says who each option is best for with the numbers of the runs,
shows the per-municipality table and the attribute decomposition, and a screenshot is saved."""

import os
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from simulation.cli import main
from simulation.experiments.compare.document import fmt

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
SCREENSHOT = ROOT / "results" / "compare-report-screenshot.png"
VIEWPORT = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def chromium():
    done = subprocess.run(["bash", str(ROOT / "scripts" / "install_browser.sh")], capture_output=True, text=True)
    assert done.returncode == 0, f"scripts/install_browser.sh failed:\n{done.stderr[-2000:]}"
    assert os.access(CHROMIUM, os.X_OK)
    return CHROMIUM


@pytest.mark.slow
@pytest.mark.browser
def test_report_first_screen_in_the_browser(chromium, tmp_path):
    from playwright.sync_api import sync_playwright

    out = tmp_path / "hedmark"
    assert main(["compare", "hedmark", "-g", "host,iks,as,task_community,loose_network", "-r", "4",
                 "--out", str(out), "-j", "2", "-q"]) == 0
    runs = pd.read_csv(out / "runs.csv")
    options = runs[runs.option.notna()]
    means = options.groupby("option")[["gain_small_all", "gain_large_all", "gain_region"]].mean()
    towns = pd.read_csv(out / "municipalities.csv")
    outside: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport=VIEWPORT)
            page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("file:", "data:"))
                       else (outside.append(route.request.url), route.abort()))
            page.goto((out / "report.html").as_uri())
            best_table = page.locator("table").first
            rows = {r.locator("td").first.inner_text(): r.locator("td").all_inner_texts()
                    for r in best_table.locator("tbody tr").all()}
            for audience, outcome in (("small municipalities", "gain_small_all"), ("large municipalities", "gain_large_all"),
                                      ("the region as a whole", "gain_region")):
                best = means[outcome].idxmax()  # net gain: higher is better
                cells = rows[audience]
                assert cells[2] == best and cells[3] == fmt(means.loc[best, outcome])
                assert "of 4" in cells[6]  # first in k of 4 seeds
            # the per-municipality table on the first screen: every municipality, the difference of the runs
            region_best = means.gain_region.idxmax()
            who = page.locator("table", has_text="Who gains and who loses").first
            text = who.inner_text()
            mine = towns[towns.option == region_best].set_index("municipality")
            assert len(mine) == 7
            for name, row in mine.iterrows():
                assert name in text and fmt(row.gain_vs_base, row.gain_vs_base_ci95, True) in text
            why = page.locator("table", has_text="one attribute of").first
            assert "cost key" in why.inner_text() and "assumed" in why.inner_text() and "sourced" in why.inner_text()
            for element in (best_table, who, why):  # all three start on the first screen
                assert element.bounding_box()["y"] < VIEWPORT["height"]
            sizes = page.evaluate("() => Array.from(document.images).map(i => [i.complete, i.naturalWidth])")
            assert len(sizes) >= 3 and all(done and width > 300 for done, width in sizes)
            assert "Approximate and assumed inputs" in page.inner_text("body")
            SCREENSHOT.parent.mkdir(exist_ok=True)
            page.screenshot(path=str(SCREENSHOT))
            assert SCREENSHOT.stat().st_size > 20_000
        finally:
            browser.close()
    assert outside == []  # nothing fetched from outside the file: it opens offline
