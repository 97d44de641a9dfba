"""The classroom page: the ``imcsim app`` command, and an end-to-end check in headless Chromium
(Debian's, driven by Playwright): the page loads, Step and Play advance the year, an ensemble
completes with its histogram, a replay draws a second history; screenshots at two sizes."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = ROOT / "results"


def test_app_command_rejects_bad_input(capsys):
    from simulation.cli import main

    assert main(["app", "no_such_scenario"]) == 2
    assert "unknown scenario 'no_such_scenario'" in capsys.readouterr().err
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert main(["app", "two_hubs", "--host", "127.0.0.1", "--port", str(port)]) == 2
    assert f"--port {port}: cannot listen" in capsys.readouterr().err


# ---- end to end in the browser --------------------------------------------------------------

@pytest.fixture(scope="module")
def browser_ready():
    """Debian's chromium (apt-get, once) and Solara's front-end assets (npm, once)."""
    for script, args in (("install_browser.sh", []), ("install_app_assets.sh", [sys.executable])):
        done = subprocess.run(["bash", str(ROOT / "scripts" / script), *args], capture_output=True, text=True)
        assert done.returncode == 0, f"scripts/{script} failed:\n{done.stderr[-2000:]}"
    assert os.access(CHROMIUM, os.X_OK)
    return CHROMIUM


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    """``imcsim app two_hubs`` on a free loopback port; stopped (its whole process group) after."""
    log = tmp_path_factory.mktemp("app") / "app.log"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with open(log, "w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "simulation.cli", "app", "two_hubs", "--host", "127.0.0.1",
                                 "--port", str(port)], stdout=out, stderr=subprocess.STDOUT, cwd=ROOT,
                                start_new_session=True)
    try:
        url, deadline = None, time.monotonic() + 90
        while time.monotonic() < deadline and proc.poll() is None:
            text = log.read_text()
            url = url or (re.search(r"at (http://127\.0\.0\.1:\d+/)", text) or [None, None])[1]
            if url:
                try:
                    with urllib.request.urlopen(url, timeout=5) as response:
                        if response.status == 200:
                            break
                except OSError:
                    pass
            time.sleep(0.5)
        else:
            pytest.fail(f"the app did not come up:\n{log.read_text()[-3000:]}")
        assert url == f"http://127.0.0.1:{port}/"
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _wait_until(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")


def _steps(page) -> int:
    return int(page.locator("[data-steps]").get_attribute("data-steps"))


def _chart(page, name: str) -> str:
    return page.locator(f"[data-chart='{name}']").inner_html()


def _lesson(browser, url: str, width: int, height: int) -> None:
    """The ten-minute lesson at one screen size, with screenshots of each tab."""
    from simulation.app.page import DEFAULT_SEED

    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(url)
    step = page.get_by_role("button", name="Step", exact=True)
    step.wait_for(timeout=90_000)
    assert _steps(page) == 0 and "start 2000" in page.inner_text(".imc-year")
    before = _chart(page, "membership")
    for _ in range(3):  # quick clicks: none may be lost
        step.click()
    _wait_until(lambda: _steps(page) == 3, 20, "three steps")
    assert page.inner_text(".imc-year").startswith("2002")
    assert _chart(page, "membership") != before
    assert "West IKT (" in _chart(page, "map")
    page.screenshot(path=str(SCREENSHOTS / f"app-{width}x{height}-history.png"))
    page.get_by_role("button", name="Play", exact=True).click()
    _wait_until(lambda: _steps(page) >= 8, 20, "play to advance")
    page.get_by_role("button", name="Pause", exact=True).click()
    page.get_by_role("button", name="Play", exact=True).wait_for(timeout=10_000)
    time.sleep(0.5)  # a year in hand when Pause came may still arrive; then nothing more
    paused = _steps(page)
    time.sleep(1.0)
    assert _steps(page) == paused < 30
    page.get_by_role("tab", name="Many histories").click()
    page.get_by_role("button", name="Run 50 histories").click()
    page.get_by_text("50 of 50 histories").wait_for(timeout=120_000)
    assert page.locator("[data-chart='shares'] rect.bin").count() >= 2  # the histogram
    page.screenshot(path=str(SCREENSHOTS / f"app-{width}x{height}-ensemble.png"))
    page.get_by_role("tab", name="Rewind & replay").click()
    page.get_by_role("button", name="Replay from 2004").click()
    page.locator("[data-chart='branch']").wait_for(timeout=30_000)
    assert f"seed {DEFAULT_SEED + 1}" in _chart(page, "branch") and f"seed {DEFAULT_SEED}" in _chart(page, "original")
    page.screenshot(path=str(SCREENSHOTS / f"app-{width}x{height}-replay.png"))
    page.get_by_role("button", name="Continue the replay from 2004 as the current run").click()
    _wait_until(lambda: _steps(page) == 4, 20, "the replay as the current run, in 2003")
    assert page.inner_text(".imc-year").startswith("2003")
    page.get_by_role("tab", name="Why?").click()
    page.get_by_text("Critical junctures.").wait_for()
    page.screenshot(path=str(SCREENSHOTS / f"app-{width}x{height}-why.png"))
    page.close()


@pytest.mark.slow
@pytest.mark.browser
def test_classroom_page(browser_ready, app_url):
    """Load, step, play, an ensemble that completes with its histogram, a replay with a second
    history; screenshots at 1024x768 and 1920x1080 (results/app-*.png, to look at)."""
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=browser_ready, args=CHROMIUM_ARGS, headless=True)
        try:
            for width, height in ((1024, 768), (1920, 1080)):
                _lesson(browser, app_url, width, height)
        finally:
            browser.close()
