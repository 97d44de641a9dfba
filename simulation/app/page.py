"""The classroom page (``imcsim app``): one history, many histories, rewind and replay, and why.

Layout for a projector: a bar with Step / Play / Reset and the year, settings on the left
(sliders grouped by perspective, presets), four tabs on the right. Charts are SVG
(:mod:`simulation.app.svg`), so a step redraws in milliseconds. Play and the ensemble run in
threads of the session; the Step button is synchronous (clicks queue, none is lost) and is
disabled while Play runs. Each browser session has its own models.

The scenario comes from the environment variable ``IMCSIM_APP_SCENARIO`` (``imcsim app`` sets it;
default two_hubs).
"""

from __future__ import annotations

import os
import threading
import time
from collections import Counter

import solara

from ..scenario import Scenario, load_scenario
from . import controls, drawing, story
from .ensemble import NONE, TIE, Outcome, run_seeds, summarise
from .history import History, Snapshot

SCENARIO_ENV = "IMCSIM_APP_SCENARIO"
DEFAULT_SCENARIO = "two_hubs"
SPEEDS = (1, 2, 5, 10)  # years per second on Play
DEFAULT_SPEED = 5
# The first run's seed: on two_hubs, seed 2's history is still open in the first years (replayed
# from 2001, 2002 or 2003 with seeds 0-19, the other hub wins in 8, 6 and 9 of 19) and locked in by
# 2004 (none of 19), which the lesson needs; seeds 0, 3, 8 or 10 are decided by 2002.
DEFAULT_SEED = 2
ENSEMBLE_SIZES = (10, 20, 50, 100, 200)
DEFAULT_ENSEMBLE = 50
REDRAW_EVERY = 0.15  # seconds between redraws while the ensemble runs

CSS = """
.imc-page { display: flex; flex-direction: column; height: 100vh; width: 100%; }
.imc-bar { flex: none; background: #1d3557; color: white; padding: 6px 14px; display: flex;
           align-items: center; gap: 10px; }
.imc-bar .imc-title { font-size: 20px; font-weight: 600; margin-right: auto; line-height: 1.2; min-width: 0; }
.imc-bar .imc-title small { display: block; font-size: 13px; font-weight: 400; opacity: 0.85; }
@media (max-width: 1300px) { .imc-bar .imc-title small { display: none; } }
.imc-year { font-size: 28px; font-weight: 700; text-align: right; line-height: 1.05; padding: 0 6px; }
.imc-year small { display: block; font-size: 13px; font-weight: 400; }
.imc-speed { display: flex; align-items: center; gap: 4px; font-size: 13px; line-height: 1.1; }
.imc-speed .v-btn { min-width: 32px !important; padding: 0 5px !important; height: 30px !important; }
.imc-body { flex: 1; min-height: 0; display: flex; }
.imc-side { flex: none; width: 280px; padding: 4px 12px 12px 12px; background: #f4f6f8;
            border-right: 1px solid #dde; overflow-y: auto; }
.imc-side h4 { margin: 12px 0 2px 0; font-size: 15px; color: #1d3557; }
.imc-hint { font-size: 12.5px; color: #555; margin-bottom: 2px; }
.imc-presets { display: flex; flex-wrap: wrap; gap: 4px; margin: 2px 0 4px 0; }
.imc-slider-label { font-size: 14px; display: flex; justify-content: space-between; gap: 8px; margin-top: 6px; }
.imc-slider-label b { white-space: nowrap; }
.imc-side .v-input__slot, .imc-controls .v-input__slot { margin-bottom: 0 !important; }
.imc-side .v-messages, .imc-controls .v-messages { display: none; }
.imc-main { flex: 1; min-width: 0; padding: 0 12px 12px 12px; overflow-y: auto; }
.imc-grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(560px, 1fr)); gap: 12px;
            align-items: start; }
.imc-grid3 { display: grid; grid-template-columns: repeat(auto-fit, minmax(330px, 1fr)); gap: 12px;
             align-items: start; }
.imc-controls { display: flex; align-items: center; gap: 16px; flex-wrap: wrap; margin: 6px 0; }
.imc-pair { display: grid; grid-template-columns: 1fr 1fr; gap: 10px; align-items: start; }
.v-window-x-transition-enter-active, .v-window-x-transition-leave-active,
.v-window-x-reverse-transition-enter-active, .v-window-x-reverse-transition-leave-active { transition: none !important; }
.imc-card { background: white; border: 1px solid #e2e2e2; border-radius: 6px; padding: 6px; }
.imc-text { font-size: 17px; line-height: 1.45; max-width: 980px; }
.imc-events { font-size: 16.5px; line-height: 1.45; padding: 8px 12px; grid-column: 1 / -1; }
.imc-events ul { margin: 4px 0; padding-left: 20px; }
.imc-pending { font-size: 13.5px; background: #fdecea; padding: 4px 8px; border-radius: 4px; margin-top: 8px; }
"""


def scenario_name() -> str:
    return os.environ.get(SCENARIO_ENV) or DEFAULT_SCENARIO


def configured(base: Scenario, values: dict[str, float]) -> Scenario:
    over = controls.overrides(values, base)
    return base.with_overrides(over) if over else base


def year_label(scenario: Scenario, snap: Snapshot) -> str:
    return str(snap.years[-1]) if snap.steps else f"start {scenario.start_year}"


def Svg(markup: str, label: str = ""):
    return solara.HTML(tag="div", unsafe_innerHTML=markup, classes=["imc-card"],
                       attributes={"data-chart": label} if label else None)


# ---- the settings panel -----------------------------------------------------------------------

@solara.component
def Settings(values: dict, set_values, seed: int, set_seed, pending: bool, disabled: bool):
    with solara.Div(classes=["imc-side"]):
        solara.HTML(tag="h4", unsafe_innerHTML="Presets: what kind of municipalities?")
        with solara.Div(classes=["imc-presets"]):
            for name in controls.PRESETS:
                solara.Button(name, small=True, outlined=True, disabled=disabled,
                              on_click=lambda name=name: set_values(controls.with_preset(values, name)))
        solara.HTML(tag="div", classes=["imc-hint"],
                    unsafe_innerHTML="; ".join(f"<i>{k}</i>: {v}" for k, v in controls.PRESET_WORDS.items()))
        solara.HTML(tag="h4", unsafe_innerHTML="Chance")
        Labelled("Seed (the dice of this run)", str(seed))
        solara.SliderInt("", value=seed, min=0, max=99, on_value=set_seed, thumb_label=False, disabled=disabled)
        for title, hint, specs in controls.GROUPS:
            solara.HTML(tag="h4", unsafe_innerHTML=title)
            solara.HTML(tag="div", classes=["imc-hint"], unsafe_innerHTML=hint)
            for s in specs:
                Labelled(s.label, controls.shown(s.key, values[s.key]), s.meaning)
                solara.SliderFloat("", value=values[s.key], min=s.low, max=s.high, step=s.step, thumb_label=False,
                                   disabled=disabled,
                                   on_value=lambda v, key=s.key: set_values({**values, key: round(v, 6)}))
        if pending:
            solara.HTML(tag="div", classes=["imc-pending"],
                        unsafe_innerHTML="Settings changed: press <b>Reset</b> for a run with them "
                                         "(the ensemble uses them already).")


def Labelled(label: str, value: str, title: str = ""):
    return solara.HTML(tag="div", classes=["imc-slider-label"], attributes={"title": title} if title else None,
                       unsafe_innerHTML=f"<span>{label}</span><b>{value}</b>")


# ---- the tabs ---------------------------------------------------------------------------------

@solara.component
def OneHistory(scenario: Scenario, snap: Snapshot, palette: drawing.Palette):
    when = year_label(scenario, snap)
    juncture = snap.juncture[-1]
    with solara.Div(classes=["imc-grid"]):
        Svg(drawing.region_map(scenario, snap, palette, f"The region, {when}" + (" - juncture open" if juncture else "")),
            "map")
        Svg(drawing.membership_chart(scenario, snap, palette), "membership")
        solara.HTML(tag="div", classes=["imc-card", "imc-events"], unsafe_innerHTML=this_year(scenario, snap))


def this_year(scenario: Scenario, snap: Snapshot) -> str:
    """The year's moves in words, and what to look for."""
    parts = []
    if snap.juncture[-1]:
        parts.append("<p><b>A critical juncture is open:</b> habits and exit terms count less, everyone "
                     "reconsiders.</p>")
    if not snap.steps:
        parts.append("<p><b>Before the first year.</b> Press <i>Step</i> to let every municipality decide for "
                     "one year, or <i>Play</i> to watch the years go by.</p>")
    else:
        moves = [f"{who} {MOVES[choice]} {target}".strip() for who, choice, target in snap.changes if choice in MOVES]
        items = "".join(f"<li>{m}</li>" for m in moves[:8]) + ("<li>...</li>" if len(moves) > 8 else "")
        parts.append(f"<p><b>{snap.years[-1]}:</b></p><ul>{items}</ul>" if moves else
                     f"<p><b>{snap.years[-1]}:</b> no municipality changed its arrangement.</p>")
    parts.append("<p style='color:#555'>Look for: who wins the middle, and when the map stops changing. "
                 "Would another seed give the same end? (tabs <i>Many histories</i>, <i>Rewind &amp; replay</i>)</p>")
    return "".join(parts)


# decisions that change (or ask to change) the arrangement, in words; a join or switch is an
# application the members vote on, an exit a notice
MOVES = {"join": "applies to join", "found": "founds", "switch": "asks to switch to",
         "exit": "gives notice to leave", "forced": "is moved to"}


@solara.component
def ManyHistories(scenario: Scenario, outcomes: list[Outcome], planned: int, running: bool, size: int, set_size,
                  start, stop, palette: drawing.Palette):
    with solara.Div(classes=["imc-controls"]):
        solara.HTML(tag="span", unsafe_innerHTML="<b style='font-size:17px'>Histories:</b>")
        solara.ToggleButtonsSingle(value=size, values=list(ENSEMBLE_SIZES), on_value=set_size)
        solara.Button(f"Run {size} histories", color="primary", on_click=start, disabled=running)
        solara.Button("Stop", on_click=stop, disabled=not running, outlined=True)
    done = len(outcomes)
    if planned:
        solara.ProgressLinear(value=100 * done / planned if planned else 0)
    summary = summarise(outcomes)
    if done:
        _, rest = drawing.winner_bars(scenario, Counter(dict(summary.wins)))  # named as the bars name them
        wins = ", ".join(f"{'a tie' if w == TIE else w if w != NONE else 'no collaboration'} {k}"
                         for w, k in summary.wins if w not in rest)
        if rest:
            wins += f", {len(rest)} others {sum(k for w, k in summary.wins if w in rest)}"
        lock = f"median year of lock-in {summary.lock_in_median:.0f}" if summary.lock_in_median else "no changes"
        text = (f"**{done} of {planned} histories** (seeds 0-{planned - 1}) from the same start: largest at the "
                f"end: {wins}. "
                f"One collaboration takes every municipality in {summary.take_all} ({summary.take_all / done:.0%}); "
                f"{lock}.")
    else:
        text = ("The same start, the same rules, only the dice differ. Press **Run** to play many histories "
                "of the current settings at once and see the spread of outcomes build up.")
    solara.Markdown(text, style={"font-size": "17px"})
    with solara.Div(classes=["imc-grid3"]):
        for i, chart in enumerate(drawing.ensemble_charts(scenario, outcomes, palette, planned or size)):
            Svg(chart, ("winners", "shares", "lock-in")[i])


@solara.component
def Replay(scenario: Scenario, live: History, palette: drawing.Palette, disabled: bool, on_adopt):
    year, set_year = solara.use_state(scenario.start_year + 4)
    seed, set_seed = solara.use_state(live.seed + 1)
    pair, set_pair = solara.use_state(None)
    first, last = scenario.start_year, scenario.start_year + scenario.ticks - 1

    def replay():
        tick = year - scenario.start_year + 1  # the dice change from this year on
        original = History(scenario, live.lineage).run_to_end()
        branch = live.replay(tick - 1, seed).run_to_end()
        set_pair((original, branch, year, seed))

    solara.Markdown(
        "Go back to a year of the current run and replay it from there with other dice (another seed). "
        "Up to that year the two histories are identical; after it they may part.", style={"font-size": "17px"})
    with solara.Div(classes=["imc-controls"]):
        with solara.Div(style={"min-width": "260px"}):
            Labelled("Replay from year", str(year))
            solara.SliderInt("", value=year, min=first, max=last, on_value=set_year, thumb_label=False)
        with solara.Div(style={"min-width": "200px"}):
            Labelled("with seed", str(seed))
            solara.SliderInt("", value=seed, min=0, max=99, on_value=set_seed, thumb_label=False)
        solara.Button(f"Replay from {year}", color="primary", on_click=replay, disabled=disabled)
    if pair is None:
        return
    original, branch, at, new_seed = pair
    a, b = original.snapshot(), branch.snapshot()
    mark = at - 0.5
    with solara.Div(classes=["imc-pair"]):
        Svg(drawing.membership_chart(scenario, a, palette, f"The current run (seed {original.seed}) to the end", mark,
                                     f"{at}", width=400, height=300), "original")
        Svg(drawing.membership_chart(scenario, b, palette, f"Replayed from {at}, seed {new_seed}", mark,
                                     f"{at}", width=400, height=300), "branch")
    ends = []
    for label, snap in (("the history", a), ("the replay", b)):
        counts = {n: sum(1 for c in snap.arrangement[-1] if c == n) for n in snap.names}
        ends.append(f"{label}: " + ", ".join(f"{n} {k}" for n, k in counts.items() if k) or "no collaboration")
    same = a.arrangement[-1] == b.arrangement[-1]
    solara.Markdown(f"In {last}, {'; '.join(ends)}. "
                    + ("The same arrangement: this history was already locked in." if same
                       else "A different arrangement from the same past."), style={"font-size": "17px"})
    with solara.Div(classes=["imc-controls"]):
        solara.Button(f"Continue the replay from {at} as the current run", outlined=True,
                      on_click=lambda: on_adopt(branch.lineage, at - scenario.start_year), disabled=disabled)


@solara.component
def WhyItHappens(scenario: Scenario):
    big = {"font-size": "18px", "line-height": "1.5"}
    with solara.Div(classes=["imc-text"]):
        solara.Markdown(f"### The story: {scenario.name}\n\n{story.story(scenario)}", style=big)
        solara.Markdown("### Why history matters\n" + story.IDEAS, style=big)
        solara.Markdown("### A lesson in ten minutes\n" + story.lesson(scenario), style=big)


# ---- the page ---------------------------------------------------------------------------------

@solara.component
def Page():
    base = solara.use_memo(lambda: load_scenario(scenario_name()), [])
    palette = solara.use_memo(lambda: drawing.Palette(base), [])
    values, set_values = solara.use_state(controls.defaults(base))
    seed, set_seed = solara.use_state(DEFAULT_SEED)
    first_run = solara.use_memo(lambda: History.start(base, DEFAULT_SEED), [])
    live, set_live = solara.use_state(first_run)
    applied, set_applied = solara.use_state((controls.defaults(base), DEFAULT_SEED))
    _, set_shown = solara.use_state(0)
    playing, set_playing = solara.use_state(False)
    speed, set_speed = solara.use_state(DEFAULT_SPEED)
    tab, set_tab = solara.use_state(0)
    # the ensemble: outcomes arrive from a thread into the list of its request; a new request
    # number starts a new thread (and stops the one before)
    request, set_request = solara.use_state(0)
    planned, set_planned = solara.use_state(0)
    size, set_size = solara.use_state(DEFAULT_ENSEMBLE)
    running, set_running = solara.use_state(False)
    _, set_arrived = solara.use_state(0)
    ensemble_job = solara.use_ref((None, 0, threading.Event(), []))  # (scenario, runs, stop event, outcomes)

    snap = live.snapshot()

    def step():
        live.step()
        set_shown(live.model.steps)

    def reset():
        set_playing(False)
        set_live(History.start(configured(base, values), seed))
        set_applied((dict(values), seed))

    def adopt(lineage, tick: int):
        """The replay becomes the current run, at the last year it shares (Play shows its own future)."""
        set_playing(False)
        branch = History(live.scenario, lineage)
        for _ in range(tick):
            branch.step()
        set_live(branch)
        set_tab(0)

    def play(cancel: threading.Event):
        if not playing:
            return
        due = time.monotonic()
        while not cancel.is_set():
            if not live.step():
                break
            set_shown(live.model.steps)
            due += 1 / speed
            time.sleep(max(0.0, due - time.monotonic()))
        if not cancel.is_set():
            set_playing(False)

    solara.use_thread(play, dependencies=[playing, live, speed], intrusive_cancel=False)

    def ensemble(cancel: threading.Event):
        if not request:
            return
        scenario, n, stop, outcomes = ensemble_job.current
        last = [0.0]

        def arrive(o: Outcome):
            outcomes.append(o)
            if time.monotonic() - last[0] > REDRAW_EVERY:
                last[0] = time.monotonic()
                set_arrived(len(outcomes))

        run_seeds(scenario, range(n), arrive, lambda: cancel.is_set() or stop.is_set())
        if not stop.is_set():
            set_arrived(len(outcomes))
            set_running(False)

    solara.use_thread(ensemble, dependencies=[request], intrusive_cancel=False)

    def start_ensemble():
        ensemble_job.current[2].set()  # one still going stops
        ensemble_job.current = (configured(base, values), size, threading.Event(), [])
        set_planned(size)
        set_running(True)
        set_request(request + 1)

    def stop_ensemble():
        ensemble_job.current[2].set()  # the thread ends after the run in hand; results stay
        set_running(False)
        set_arrived(len(ensemble_job.current[3]))

    solara.Style(CSS)
    with solara.Div(classes=["imc-page"]):
        with solara.Div(classes=["imc-bar"]):
            solara.HTML(tag="div", classes=["imc-title"],
                        unsafe_innerHTML=f"Path dependency: {base.name}<small>{base.description}</small>")
            solara.HTML(tag="div", classes=["imc-year"], attributes={"data-steps": str(snap.steps)},
                        unsafe_innerHTML=f"{year_label(base, snap)}<small>year {snap.steps} of {base.ticks}</small>")
            solara.Button("Step", on_click=step, disabled=playing or snap.done, color="#f1faee")
            solara.Button("Pause" if playing else "Play", on_click=lambda: set_playing(not playing),
                          disabled=snap.done and not playing, color="#f1faee")
            solara.Button("Reset", on_click=reset, color="#f1faee", outlined=True)
            with solara.Div(classes=["imc-speed"]):
                solara.HTML(tag="span", unsafe_innerHTML="years a<br>second")
                solara.ToggleButtonsSingle(value=speed, values=list(SPEEDS), on_value=set_speed, dense=True)
        with solara.Div(classes=["imc-body"]):
            Settings(values, set_values, seed, set_seed, pending=(values, seed) != applied, disabled=False)
            with solara.Div(classes=["imc-main"]):
                with solara.lab.Tabs(value=tab, on_value=set_tab):
                    with solara.lab.Tab("One history"):
                        OneHistory(live.scenario, snap, palette)
                    with solara.lab.Tab("Many histories"):
                        ManyHistories(base, list(ensemble_job.current[3]), planned, running, size, set_size,
                                      start_ensemble, stop_ensemble, palette)
                    with solara.lab.Tab("Rewind & replay"):
                        Replay(live.scenario, live, palette, disabled=playing, on_adopt=adopt).key(
                            f"replay-{id(live)}")  # a new current run starts the panel afresh
                    with solara.lab.Tab("Why?"):
                        WhyItHappens(base)
