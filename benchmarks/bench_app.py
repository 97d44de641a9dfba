"""Benchmark: how fast the classroom page (``imcsim app``) steps and plays (not a test).

    python benchmarks/bench_app.py              # in-process: model step, page step, ensemble
    python benchmarks/bench_app.py --browser    # also in headless Chromium against imcsim app

In-process, the page is rendered with Solara's test renderer and its Step button clicked:
that is the server's whole work per step (model, charts, widget updates). With ``--browser``,
``imcsim app SCENARIO`` is started on a free port and Debian's Chromium (scripts/install_browser.sh)
measures what a teacher sees: the time from a Step click until the page shows the new year, and
the years a second that Play advances at its fastest setting. Targets of issue 13: a step in at
most 0.3 s, Play at 5 or more years a second.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STEP_TARGET = 0.3  # seconds per step (issue 13)
PLAY_TARGET = 5.0  # years a second (issue 13)
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]


def in_process(scenario: str, steps: int) -> None:
    import ipyvuetify as v
    import solara

    from simulation import CollaborationModel, load_scenario
    from simulation.app import page
    from simulation.app.ensemble import run_seeds

    m = CollaborationModel(scenario, seed=3)
    t = []
    for _ in range(steps):
        t0 = time.perf_counter()
        m.step()
        t.append(time.perf_counter() - t0)
    print(f"model step ({scenario}): median {statistics.median(t) * 1000:.1f} ms, max {max(t) * 1000:.1f} ms")

    os.environ[page.SCENARIO_ENV] = scenario
    t0 = time.perf_counter()
    _, rc = solara.render(page.Page(), handle_error=False)
    print(f"page first render: {time.perf_counter() - t0:.2f} s")
    button = rc.find(v.Btn, children=["Step"]).widget
    t = []
    for _ in range(steps):
        t0 = time.perf_counter()
        button.click()
        t.append(time.perf_counter() - t0)
    print(f"page step, server side (model + charts + widgets): median {statistics.median(t) * 1000:.0f} ms, "
          f"max {max(t) * 1000:.0f} ms  (target <= {STEP_TARGET * 1000:.0f} ms; Play could reach "
          f"{1 / statistics.median(t):.0f} years/s)")

    sc = load_scenario(scenario)
    got = []
    t0 = time.perf_counter()
    run_seeds(sc, range(50), got.append)
    print(f"ensemble of 50 runs: {time.perf_counter() - t0:.1f} s")


def start_app(scenario: str) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "simulation.cli", "app", scenario, "--host", "127.0.0.1",
                             "--port", str(port), "--quiet"], cwd=ROOT, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    import urllib.request

    for _ in range(120):
        try:
            with urllib.request.urlopen(url, timeout=2):
                return proc, url
        except OSError:
            time.sleep(0.5)
    os.killpg(proc.pid, signal.SIGTERM)
    raise SystemExit("bench_app.py: the app did not come up")


def in_browser(scenario: str, steps: int) -> None:
    from playwright.sync_api import sync_playwright

    proc, url = start_app(scenario)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS, headless=True)
            page = browser.new_page(viewport={"width": 1024, "height": 768})
            page.goto(url)
            step = page.get_by_role("button", name="Step", exact=True)
            step.wait_for(timeout=90_000)
            t = []
            for i in range(1, steps + 1):
                t0 = time.perf_counter()
                step.click()
                page.locator(f"[data-steps='{i}']").wait_for(timeout=30_000)
                t.append(time.perf_counter() - t0)
            print(f"browser step (click until the year shows): median {statistics.median(t):.3f} s, "
                  f"max {max(t):.3f} s  (target <= {STEP_TARGET} s)")
            for speed, years in ((5, 8), (10, None)):  # the default speed, then the fastest to the end
                page.get_by_role("button", name=str(speed), exact=True).click()
                start = int(page.locator("[data-steps]").get_attribute("data-steps"))
                t0 = time.perf_counter()
                page.get_by_role("button", name="Play", exact=True).click()
                page.get_by_role("button", name="Pause", exact=True).wait_for(timeout=10_000)
                if years:
                    page.wait_for_function(f"() => +document.querySelector('[data-steps]').dataset.steps >= {start + years}",
                                           timeout=60_000)  # (a redraw may show two years at once)
                    elapsed = time.perf_counter() - t0
                    page.get_by_role("button", name="Pause", exact=True).click()
                    page.get_by_role("button", name="Play", exact=True).wait_for(timeout=10_000)
                else:
                    page.get_by_role("button", name="Play", exact=True).wait_for(timeout=60_000)  # at the end
                    elapsed = time.perf_counter() - t0
                end = int(page.locator("[data-steps]").get_attribute("data-steps"))
                print(f"browser play at {speed} years/s: {end - start} years in {elapsed:.1f} s = "
                      f"{(end - start) / elapsed:.1f} years/s  (target >= {PLAY_TARGET})")
            browser.close()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=15)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scenario", default="two_hubs")
    ap.add_argument("--steps", type=int, default=10, help="steps to time [10]")
    ap.add_argument("--browser", action="store_true", help="also measure in headless Chromium")
    args = ap.parse_args(argv)
    in_process(args.scenario, args.steps)
    if args.browser:
        in_browser(args.scenario, args.steps)


if __name__ == "__main__":
    main()
