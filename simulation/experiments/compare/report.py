"""The comparison report: a summary written from the numbers, who each option is best for and how
sure, who gains and loses, why the main option differs (attribute by attribute, sourced or
assumed), all differences, robustness, the data's quality and how to reproduce it.

Written as ``report.html`` (one self-contained file) and ``report.md`` with the figures and CSV
tables beside it.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from ...scenario import resolve_path
from ..provenance import model_fingerprint, now, package_versions
from . import figures
from .document import Document, fmt, fmt_range
from .options import ATTRIBUTES, REST, attribute_source, attribute_value, status_quo_text
from .study import Comparison
from .tables import AUDIENCES, BETTER, OUTCOMES, SHORT, WORSE, Ranking, verdict

# words in a scenario file's comments that mark an input as not from the sources
APPROXIMATE_WORDS = re.compile(r"approximate|assum|not from the sources|calibrated|not facts", re.IGNORECASE)


def class_note(comp: Comparison, audience: str) -> str:
    """Who an audience is in this region: the size class (as classed in the baseline's last year,
    populations having grown or shrunk) and its municipalities."""
    p = comp.scenario.parameters
    if audience == "the region as a whole":
        return f"all {len(comp.scenario.municipalities)} municipalities, weighted by population"
    size = audience.split()[0]
    towns = comp.towns[(comp.towns.point == comp.base_point) & (comp.towns.replication == 0)]
    names = towns[towns.size_class == size].sort_values("population").municipality.tolist()
    bound = f"under {p.small_max:,.0f} inhabitants" if size == "small" else f"{p.medium_max:,.0f} inhabitants or more"
    shown = ", ".join(names[:6]) + (f" and {len(names) - 6} more" if len(names) > 6 else "")
    return f"{bound} in the last year; {len(names)} here" + (f": {shown}" if names else "")


def ranking_sentence(comp: Comparison, r: Ranking) -> str:
    unit = "NOK per inhabitant"
    n = len(comp.seeds)
    text = (f"For **{r.audience}** ({class_note(comp, r.audience)}), **{r.best}** ranks first, with a net gain over "
            f"standing alone of {fmt(r.best_mean)} {unit}")
    if r.runner_up is not None:
        how = "a clear lead" if r.sure else "not a clear lead: the interval includes zero"
        text += (f", {fmt(r.margin, r.margin_ci)} more than the runner-up {r.runner_up} "
                 f"(95 % interval {fmt_range(r.margin, r.margin_ci)}; {how}); first in {round(r.first_share * n)} of {n} seeds")
    if r.best != comp.base.label:
        v = verdict(r.vs_base, r.vs_base_ci, OUTCOMES[r.outcome].better)
        text += f". Against {comp.base.label}: {fmt(r.vs_base, r.vs_base_ci, signed=True)} ({v})"
    return text + "."


def tradeoffs(comp: Comparison, diff: pd.DataFrame) -> list[str]:
    """Options better than the baseline for some audiences and worse for others, and the
    outcomes on which the best option for the region is worse."""
    out = []
    audience_of = {v: k for k, v in AUDIENCES.items()}
    for option, d in diff[diff.outcome.isin(AUDIENCES.values())].groupby("option", sort=False):
        good = [audience_of[o] for o in d[d.verdict == BETTER].outcome]
        bad = [audience_of[o] for o in d[d.verdict == WORSE].outcome]
        if good and bad:
            out.append(f"{option} is better than {comp.base.label} for {' and '.join(good)} but worse for {' and '.join(bad)}")
    region = [r for r in comp.rankings() if r.audience == "the region as a whole"]
    if region and region[0].best != comp.base.label:
        best = region[0].best
        worse = diff[(diff.option == best) & (diff.verdict == WORSE) & ~diff.outcome.isin(AUDIENCES.values())]
        for row in worse.itertuples():
            label = row.label if row.label[:3].isupper() else row.label[0].lower() + row.label[1:]
            out.append(f"{best}, first for the region, is worse on {label} "
                       f"({fmt(row.diff, row.ci95, signed=True)} {row.unit})")
    return out


def summary(comp: Comparison, diff: pd.DataFrame, main: str | None, region: pd.DataFrame | None) -> str:
    """The lead paragraph: who each option is best for, by how much and how sure, what drives the
    main difference (sourced or assumed), and the trade-offs."""
    sc = comp.scenario
    base = comp.base.label + (f" ({status_quo_text(sc)})" if comp.base.governance is None else "")
    parts = [f"Against {base}, with the same {len(comp.seeds)} seeds, {sc.start_year}-{sc.start_year + sc.ticks - 1}:"]
    groups: dict[str, list[Ranking]] = {}
    for r in comp.rankings():
        groups.setdefault(r.best, []).append(r)
    for best, rs in groups.items():
        each = [f"{r.audience} ({fmt(r.best_mean)} NOK net gain per inhabitant"
                + (f"; {fmt(r.margin, r.margin_ci)} ahead of {r.runner_up}, {'clear' if r.sure else 'not clear'})"
                   if r.runner_up else ")") for r in rs]
        parts.append(f"**{best}** is best for " + (", ".join(each[:-1]) + " and " if len(each) > 1 else "") + each[-1] + ".")
    if main is not None and region is not None:
        t = region.set_index("attribute")
        drivers = t.drop(["total", REST]).part.abs().sort_values(ascending=False).index[:2]
        model = comp.option_governance(main)
        said = [f"{a} ({fmt(t.loc[a, 'part'], t.loc[a, 'ci95'], True)}, "
                f"{'sourced' if attribute_source(sc, model, a) else 'assumed'})" for a in drivers]
        parts.append(f"For the region, {main} differs from {comp.base.label} by "
                     f"{fmt(t.loc['total', 'part'], t.loc['total', 'ci95'], True)} NOK per inhabitant; its largest parts are "
                     f"{' and '.join(said)}.")
    approx = sum(m.approximate for m in sc.municipalities)
    if approx:
        parts.append(f"**Caution: {approx} of {len(sc.municipalities)} municipalities' input figures are approximate** "
                     "(see Data quality).")
    tr = tradeoffs(comp, diff)
    parts.append("Trade-offs: " + "; ".join(tr) + "." if tr else "No option is better for one audience and worse for another.")
    return " ".join(parts)


def best_rows(comp: Comparison) -> list[list[str]]:
    rows = []
    found = {r.audience: r for r in comp.rankings()}
    for audience in AUDIENCES:
        if audience not in found:
            rows.append([audience, class_note(comp, audience), "none here", "", "", "", "", ""])
            continue
        r = found[audience]
        v = verdict(r.vs_base, r.vs_base_ci, OUTCOMES[r.outcome].better)
        rows.append([r.audience, class_note(comp, r.audience), f"**{r.best}**", fmt(r.best_mean),
                     f"{fmt(r.margin, r.margin_ci)} over {r.runner_up}" if r.runner_up else "",
                     "yes" if r.sure else "no", f"{round(r.first_share * len(comp.seeds))} of {len(comp.seeds)}",
                     f"{fmt(r.vs_base, r.vs_base_ci, True)} {v}" if r.best != comp.base.label else "(the baseline)"])
    return rows


def data_quality(comp: Comparison) -> list[str]:
    sc = comp.scenario
    items = []
    approx = [m.name for m in sc.municipalities if m.approximate]
    if approx:
        items.append(f"**{len(approx)} of {len(sc.municipalities)} municipalities' figures are approximate** "
                     f"(marked `approximate = true`: not from the sources): {', '.join(approx)}.")
    else:
        items.append(f"No municipality is marked approximate: the {len(sc.municipalities)} municipalities' figures "
                     "are from the sources.")
    try:
        lines = resolve_path(comp.scenario_path).read_text(encoding="utf-8").splitlines()
    except Exception:  # noqa: BLE001 - a scenario built in memory has no file to quote
        lines = []
    for first, last, text in comment_blocks(lines):
        if APPROXIMATE_WORDS.search(text):
            text = " ".join(x for x in re.split(r"(?<=\.) ", text) if APPROXIMATE_WORDS.search(x))
            where = f"line {first}" if first == last else f"lines {first}-{last}"
            items.append(f"Scenario file, {where}: “{text}”")
    for label in comp.swaps:
        model = comp.option_governance(label)
        assumed = [a for a in ATTRIBUTES if not attribute_source(sc, model, a)]
        items.append(f"Attributes of {label} no source gives (the model builders' assumptions): {', '.join(assumed)}.")
    items.append("Model parameters are the scenario's calibrated values or the model's defaults (`imcsim params`), "
                 "not measurements.")
    return items


def comment_blocks(lines: list[str]) -> list[tuple[int, int, str]]:
    """Runs of consecutive comment lines of a TOML file: first and last line number, joined text."""
    blocks: list[tuple[int, int, str]] = []
    for i, line in enumerate(lines, 1):
        stripped = line.strip()
        if not stripped.startswith("#"):
            if "  #" in line:  # a comment after a value stands alone
                blocks.append((i, i, f"{line.split('  #', 1)[1].lstrip('# ').strip()} (on: {line.split('  #')[0].strip()})"))
            continue
        text = stripped.lstrip("#").strip()
        if blocks and blocks[-1][1] == i - 1 and not blocks[-1][2].endswith(")"):
            first, _, before = blocks[-1]
            blocks[-1] = (first, i, f"{before} {text}")
        else:
            blocks.append((i, i, text))
    return blocks


def _pct(x: float) -> str:
    return "n/a" if math.isnan(x) else f"{x:.0%}"


def municipality_rows(table: pd.DataFrame, base: str, option: str) -> list[list[str]]:
    b = table[table.option == base].set_index("municipality")
    o = table[table.option == option].set_index("municipality")
    rows = []
    for name in o.sort_values("gain_vs_base", ascending=False).index:
        x, y = b.loc[name], o.loc[name]
        rows.append([name, f"{int(y.population):,}", y.size_class, fmt(x.cost, x.cost_ci95), fmt(y.cost, y.cost_ci95),
                     fmt(x.gain, x.gain_ci95), fmt(y.gain, y.gain_ci95), fmt(y.gain_vs_base, y.gain_vs_base_ci95, True),
                     f"{_pct(x.p_member)} → {_pct(y.p_member)}", f"{_pct(x.p_notice)} → {_pct(y.p_notice)}"])
    return rows


def decomposition_rows(comp: Comparison, option: str, parts: dict[str, pd.DataFrame]) -> tuple[list[str], list[list[str]]]:
    sc = comp.scenario
    model = comp.option_governance(option)
    header = ["Attribute", f"{comp.base.label}", f"{option}",
              *[f"{SHORT[o]} (NOK per inhabitant)" for o in parts], f"source of {option}'s value"]
    rows = []
    for attribute in [*ATTRIBUTES, REST, "total"]:
        cells = []
        for t in parts.values():
            r = t[t.attribute == attribute].iloc[0]
            cells.append("0 (same value)" if r.same else fmt(r.part, r.ci95, signed=True))
        if attribute in ATTRIBUTES:
            source = attribute_source(sc, model, attribute) or "assumed"
            rows.append([attribute, attribute_value(sc.with_overrides(comp.base.overrides), comp.base.governance, attribute),
                         attribute_value(sc, model, attribute), *cells, source])
        else:
            rows.append([f"**{attribute}**", "", "", *cells, ""])
    return header, rows


def write_report(comp: Comparison, out: Path, command: str, seed: int) -> Path:
    """Write report.html, report.md, the figures and CSV tables into ``out``; return report.html."""
    out.mkdir(parents=True, exist_ok=True)
    sc = comp.scenario
    base = comp.base.label
    title = f"{sc.name}: which arrangement? {len(comp.options)} options against {base}"
    subtitle = f"{sc.name}, {len(comp.seeds)} seeds, {sc.start_year}-{sc.start_year + sc.ticks - 1}"
    outcomes, diff, towns = comp.outcomes(), comp.differences(), comp.municipalities()
    comp.point_table().merge(comp.runs, on="point").to_csv(out / "runs.csv", index=False)
    outcomes.to_csv(out / "outcomes.csv", index=False)
    diff.to_csv(out / "differences.csv", index=False)
    towns.to_csv(out / "municipalities.csv", index=False)
    doc = Document(title)
    main = comp.main_option()
    if main is None:
        firsts = [r.best for r in comp.rankings() if r.best != base]
        main = firsts[-1] if firsts else comp.options[0].label
    parts = {o: comp.decomposition(main, o) for o in AUDIENCES.values()} if main in comp.swaps else None
    doc.para(summary(comp, diff, main if parts else None, parts["gain_region"] if parts else None), "lead")
    doc.table(f"Best option for each audience: net gain over standing alone in the last year (NOK per inhabitant), "
              f"lead over the runner-up (mean ± 95 % interval of the paired difference), against {base}",
              ["Audience", "Who", "Best", "Net gain", "Lead", "Clear lead", "First in seeds", f"Against {base}"],
              best_rows(comp), numeric={3, 4, 7})
    figs: dict[str, object] = {}
    doc.open_grid()
    ranked = towns[towns.option == main].sort_values("gain_vs_base", ascending=False)
    doc.table(f"Who gains and who loses under {main}: net gain over standing alone, {base} → {main} "
              "(NOK per inhabitant, last year), P(member at the end), P(notice to leave)",
              ["Municipality", "Inhabitants", "Difference", "P(member)", "P(notice)"],
              [[m.municipality, f"{m.population:,}", fmt(m.gain_vs_base, m.gain_vs_base_ci95, True),
                _pct(m.p_member), _pct(m.p_notice)] for m in ranked.itertuples()], numeric={1, 2, 3, 4})
    if parts is not None:
        region = parts["gain_region"].set_index("attribute")
        model = comp.option_governance(main)
        rows = []
        for a in [*ATTRIBUTES, REST, "total"]:
            r = region.loc[a]
            src = ("" if a not in ATTRIBUTES else
                   "sourced: " + attribute_source(sc, model, a) if attribute_source(sc, model, a) else "assumed")
            rows.append([a if a in ATTRIBUTES else f"**{a}**", "0 (same value)" if r.same else fmt(r.part, r.ci95, True), src])
        doc.table(f"Why {main} differs from {base} for the region: one attribute of {main} at a time "
                  "(NOK per inhabitant, mean ± 95 % interval)", ["Attribute", "Part", f"{main}'s value"], rows, {1})
    doc.close_grid()

    doc.heading(f"Who gains and who loses under {main} (against {base})")
    if len(ranked):
        top, bottom = ranked.iloc[0], ranked.iloc[-1]
        doc.para(f"Gains most: **{top.municipality}** ({fmt(top.gain_vs_base, top.gain_vs_base_ci95, True)} NOK per "
                 f"inhabitant); gains least or loses: **{bottom.municipality}** "
                 f"({fmt(bottom.gain_vs_base, bottom.gain_vs_base_ci95, True)}).")
    doc.table(f"Per municipality, {base} → {main}: ICT cost and net gain over standing alone in the last year "
              "(NOK per inhabitant, mean ± 95 % interval over seeds), probability of being a member at the end and "
              "of giving notice to leave during the run",
              ["Municipality", "Inhabitants", "Class", f"Cost, {base}", f"Cost, {main}", f"Net gain, {base}",
               f"Net gain, {main}", "Gain difference", "P(member at end)", "P(notice to leave)"],
              municipality_rows(towns, base, main), numeric={1, 3, 4, 5, 6, 7})
    figs["municipalities.png"] = figures.municipalities(towns, main, base, subtitle)
    doc.figure(out / "municipalities.png", f"Gain difference per municipality under {main}")
    if parts is not None:
        pd.concat(parts.values()).assign(option=main).to_csv(out / "decomposition.csv", index=False)
        doc.heading(f"Why {main} differs from {base}: one attribute at a time")
        doc.para(f"Each row runs {base} with one attribute taken from {main} (same seeds) and gives the change in net "
                 "gain; what the single swaps do not add up to is under “interactions and the rest”. An attribute "
                 "whose value no source gives is marked assumed: the difference it makes is the model's assumption, "
                 "not evidence.")
        header, rows = decomposition_rows(comp, main, parts)
        doc.table(f"Decomposition of the difference {main} − {base} (mean ± 95 % interval)", header, rows,
                  numeric=set(range(3, 3 + len(parts))))
        sourced = {a: bool(attribute_source(sc, comp.option_governance(main), a)) for a in ATTRIBUTES}
        figs["decomposition.png"] = figures.decomposition(parts, sourced, main, base, subtitle)
        doc.figure(out / "decomposition.png", f"Why {main} differs from {base}, attribute by attribute")
    doc.box("Best option, and how sure, in words", [ranking_sentence(comp, r) for r in comp.rankings()])

    doc.heading(f"Every option against {base}")
    doc.para("Paired differences (option − baseline, same seeds), mean ± half-width of the 95 % t interval, and the "
             "verdict the interval gives: better or worse when it excludes zero (by the outcome's better direction), "
             "else no clear difference.")
    options = [o.label for o in comp.options]
    rows = []
    for name, o in OUTCOMES.items():
        d = diff[diff.outcome == name].set_index("option")
        rows.append([o.label, o.unit, *(f"{fmt(d.loc[x, 'diff'], d.loc[x, 'ci95'], True)}, {d.loc[x, 'verdict']}"
                                        for x in options)])
    doc.table(f"Difference against {base}", ["Outcome", "Unit", *options], rows, numeric=set(range(2, 2 + len(options))))
    figs["differences.png"] = figures.differences(diff, base, subtitle)
    doc.figure(out / "differences.png", f"Differences against {base}")
    rows = []
    for name, o in OUTCOMES.items():
        t = outcomes[outcomes.outcome == name].set_index("option")
        rows.append([o.label, o.unit, *(fmt(t.loc[x, "mean"], t.loc[x, "ci95"]) for x in [base, *options])])
    doc.table("Outcomes (mean ± 95 % interval over seeds)", ["Outcome", "Unit", base, *options], rows,
              numeric=set(range(2, 3 + len(options))))
    rows = []
    for name in towns[towns.option == base].municipality:
        t = towns[towns.municipality == name].set_index("option")
        rows.append([name, *(fmt(t.loc[x, "gain"], t.loc[x, "gain_ci95"]) for x in [base, *options])])
    doc.table("Net gain over standing alone per municipality and option (NOK per inhabitant, last year)",
              ["Municipality", base, *options], rows, numeric=set(range(1, 2 + len(options))))

    robust = comp.robustness()
    if comp.robust:
        robust.to_csv(out / "robustness.csv", index=False)
        doc.heading("Robustness: does the ranking hold?")
        rows = [[r.setting, r.audience, r.best, r.runner_up or "", fmt(r.margin, r.margin_ci95), "yes" if r.sure else "no",
                 f"{r.first_share:.0%}"] for r in robust.itertuples()]
        stable = robust.groupby("audience").best.nunique()
        doc.para("The first-ranked option " + "; ".join(
            f"for {a}: {'the same at every setting' if k == 1 else 'changes with the setting'}" for a, k in stable.items()) + ".")
        doc.table("First-ranked option at each setting (margin over the runner-up in NOK per inhabitant)",
                  ["Setting", "Audience", "First", "Runner-up", "Margin", "Clear lead", "First in seeds"], rows, {4, 6})

    doc.heading("Data quality")
    doc.box("Approximate and assumed inputs", data_quality(comp), warn=True)
    doc.heading("Reproduce")
    versions = package_versions()
    doc.code(command)
    doc.para(f"Experiment seed {seed}; run seeds (replication 1-{len(comp.seeds)}, the same for every option): "
             f"{', '.join(str(s) for s in comp.seeds)}. Model fingerprint {model_fingerprint()}; "
             + ", ".join(f"{k} {v}" for k, v in versions.items()) + f". Written {now()}.")
    doc.para("Files beside this report: runs.csv (one row per run), outcomes.csv, differences.csv, municipalities.csv"
             + (", decomposition.csv" if parts is not None else "") + (", robustness.csv" if comp.robust else "")
             + "; report.md with the figures as PNG files.")
    for name, fig in figs.items():
        fig.savefig(out / name, dpi=100)
        plt.close(fig)
    (out / "report.md").write_text(doc.markdown(), encoding="utf-8")
    path = out / "report.html"
    path.write_text(doc.html(), encoding="utf-8")
    return path

