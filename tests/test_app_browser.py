"""The interactive page: the model factory behind the sliders, the ``imcsim app`` command, and an
end-to-end check in headless Chromium (Debian's, driven by Playwright): the page loads, Step
advances the model, the charts change, a second visitor gets a model of its own, Reset goes
back, and a screenshot is saved."""

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
SCREENSHOT = ROOT / "results" / "app-screenshot.png"


# ---- the model behind the sliders (no browser) ---------------------------------------------

@pytest.mark.slow
def test_slider_keywords_become_overrides():
    from simulation import load_scenario
    from simulation.app import AS_SCENARIO, AppModel, model_params

    params = model_params("two_hubs")
    assert params["scenario"] == "two_hubs"
    assert params["fixed_cost"].value == pytest.approx(8.0)  # MNOK on the slider
    assert params["governance"]["values"][0] == AS_SCENARIO
    m = AppModel("two_hubs", seed=4, fixed_cost=12.5, w_myth=2.0, habit_strength=0.0, governance="as")
    assert m.params.fixed_cost == pytest.approx(12.5e6)
    assert (m.params.w_myth, m.params.habit_strength, m.seed) == (2.0, 0.0, 4)
    assert {k.governance.name for k in m.collaborations} == {"as"}
    defaults = {k: (v.value if hasattr(v, "value") else v.get("value") if isinstance(v, dict) else v)
                for k, v in params.items()}
    # what SolaraViz's Reset does: the class called with the slider values as keywords; the
    # default slider values give back exactly the scenario's parameters
    again = type(m)(**defaults)
    assert again.params == load_scenario("two_hubs").parameters
    assert again.seed == 1 and {k.governance.name for k in again.collaborations} == {"iks"}
    with pytest.raises(TypeError, match="unexpected parameter 'fixed_costs'"):
        AppModel("two_hubs", fixed_costs=1.0)


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


def _figures(page) -> list[str] | None:
    """What each chart shows: a digest of its pixels, read from the decoded image through a
    canvas. Solara serves figures as blob URLs that are new on every render (so URLs alone would
    not say whether a chart changed) and revokes the old ones, so re-fetching a URL can fail while
    a chart is being replaced; such a moment gives None, and the caller asks again."""
    return page.evaluate("""async () => {
        const out = [];
        try {
            for (const img of document.querySelectorAll("img")) {
                if (!img.complete || img.naturalWidth < 300) continue;
                const canvas = document.createElement("canvas");
                canvas.width = img.naturalWidth;
                canvas.height = img.naturalHeight;
                const ctx = canvas.getContext("2d");
                ctx.drawImage(img, 0, 0);
                const pixels = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
                const digest = await crypto.subtle.digest("SHA-256", pixels);
                out.push(Array.from(new Uint8Array(digest)).map(b => b.toString(16).padStart(2, "0")).join(""));
            }
        } catch (e) {
            return null;
        }
        return out;
    }""")


def _wait_until(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.25)
    pytest.fail(f"timed out waiting for {what}")


@pytest.mark.slow
@pytest.mark.browser
def test_page_steps_and_charts_change(browser_ready, app_url):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=browser_ready, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1500, "height": 1150})
            page.goto(app_url)
            step = page.get_by_role("button", name="Step", exact=True)
            step.wait_for(timeout=90_000)
            before = _wait_until(lambda: (f := _figures(page)) and len(f) >= 4 and f, 60, "four charts")
            page.get_by_text("Step: 0", exact=True).wait_for()
            for tick in (1, 2, 3):
                step.click()
                page.get_by_text(f"Step: {tick}", exact=True).wait_for(timeout=30_000)
            after = _wait_until(lambda: (f := _figures(page)) and len(f) == len(before)
                                and all(a != b for a, b in zip(f, before, strict=True)) and f,
                                30, "every chart to change after three steps")
            assert len(after) == len(before) >= 4
            page.get_by_text("tick 3 of 30").wait_for()
            assert "West IKT" in page.inner_text("body")
            SCREENSHOT.parent.mkdir(exist_ok=True)
            page.screenshot(path=str(SCREENSHOT), full_page=True)
            assert SCREENSHOT.stat().st_size > 20_000
            # a second visitor (another session) gets a model of its own
            other = browser.new_context(viewport={"width": 1200, "height": 900}).new_page()
            other.goto(app_url)
            other.get_by_text("Step: 0", exact=True).wait_for(timeout=90_000)
            page.get_by_text("Step: 3", exact=True).wait_for()
            page.get_by_role("button", name="Reset", exact=True).click()
            page.get_by_text("Step: 0", exact=True).wait_for(timeout=30_000)
        finally:
            browser.close()
