"""imcsim calibrate: ABC-SMC calibration of one behavioural parameter set against several regions.

Writes into --out: history.db (pyabc's history; --resume continues it), posterior.csv (weighted
particles: what ``--posterior`` of run, validate, sweep and compare reads), posterior.json
(provenance), identification.md/.csv, statistics.md, marginals.png, pairs.png, and with
--exclude, heldout.md (the posterior's predictions for the regions it did not see).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from ..scenario import parse_overrides
from .options import add_out, add_quiet, check_out

OUTPUTS = ("history.db", "posterior.csv", "posterior.json", "identification.md", "identification.csv",
           "statistics.md", "marginals.png", "pairs.png", "heldout.md")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "calibrate", help="ABC-SMC calibration: a posterior over the behavioural parameters",
        description="Approximate Bayesian computation (pyabc's ABC-SMC) of one behavioural parameter set for "
                    "several regions jointly: hedmark's history, agder's history and norway's plausibility "
                    "figures (docs/validation.md, 'Calibration with uncertainty'). Each particle runs every "
                    "region on fresh seeds; its distance is the sum of the summary statistics' terms (each in "
                    "units of the sources' tolerance, capped at 3). Results depend only on --seed and the "
                    "setup: the same for any --workers, on a Dask cluster and after --resume.",
        epilog="examples: imcsim calibrate --particles 40 --generations 4 -j 2;  "
               "imcsim calibrate --exclude agder --out results/abc-no-agder;  "
               "imcsim calibrate --out results/abc --generations 6 --resume",
    )
    p.add_argument("--regions", default="hedmark,agder,norway", help="regions calibrated jointly [hedmark,agder,norway]")
    p.add_argument("--exclude", action="append", default=[], metavar="REGION",
                   help="leave a region out (held-out test: its patterns are then predicted); repeatable")
    p.add_argument("--particles", "-n", type=int, default=40, help="particles per generation [40]")
    p.add_argument("--generations", "-g", type=int, default=4,
                   help="generations in all (with --resume: continue up to this many) [4]")
    p.add_argument("--seeds-per-particle", type=int, default=1,
                   help="simulation seeds per particle; its distance is the mean over them [1]")
    p.add_argument("--alpha", type=float, default=0.5,
                   help="epsilon of a generation: this quantile of the previous one's distances [0.5]")
    p.add_argument("--weigh", choices=("statistics", "regions"), default="statistics",
                   help="distance: every statistic's term counts once (statistics), or each region's terms are "
                        "averaged so every region counts the same (regions) [statistics]")
    p.add_argument("--min-epsilon", type=float, default=0.0, help="stop once epsilon is at most this [0]")
    p.add_argument("--prior", action="append", default=[], metavar="KEY=LOW:HIGH",
                   help="a uniform prior for KEY (added, or replacing the default one); repeatable")
    p.add_argument("--only", metavar="KEY[,KEY...]",
                   help="calibrate only these keys (their default or --prior's prior; else their registry bounds); every "
                        "other key stays at its registry default (or --set): to estimate a new parameter given the rest")
    p.add_argument("--set", dest="given", action="append", default=[], metavar="KEY=VALUE",
                   help="hold KEY at VALUE under every particle (not calibrated); repeatable")
    p.add_argument("--seed", type=int, default=0, help="seed of the calibration [0]")
    p.add_argument("--heldout-replications", type=int, default=20, metavar="R",
                   help="with --exclude: seeds x posterior draws for the held-out regions' patterns [20]")
    p.add_argument("--workers", "-j", type=int, default=1, help="local worker processes [1]")
    p.add_argument("--scheduler", metavar="ADDRESS", help="run on a Dask distributed cluster (overrides --workers)")
    p.add_argument("--resume", action="store_true", help="continue the calibration in --out")
    p.add_argument("--no-plots", action="store_true", help="skip marginals.png and pairs.png")
    add_out(p, "results/calibrate-REGIONS", "start again in --out: remove the calibration there")
    add_quiet(p)
    p.set_defaults(handler=handle)


def _priors(items: list[str]) -> dict[str, tuple[float, float]]:
    out = {}
    for item in items:
        key, _, rng = item.partition("=")
        low, _, high = rng.partition(":")
        try:
            out[key.strip()] = (float(low), float(high))
        except ValueError:
            raise ValueError(f"--prior {item}: expected KEY=LOW:HIGH with numbers") from None
    return out


def handle(args: argparse.Namespace) -> int:
    if args.resume and args.force:
        raise ValueError("--resume and --force: choose one (continue the calibration, or start again)")
    try:
        import pyabc  # noqa: F401
    except ImportError:
        raise ValueError("imcsim calibrate needs pyabc: pip install 'imcsim[calibrate]'") from None
    from .. import registry
    from ..validation import abcsmc

    regions = abcsmc.check_regions([r.strip() for r in args.regions.split(",") if r.strip()])
    excluded = abcsmc.check_regions(args.exclude)
    regions = tuple(r for r in regions if r not in excluded)
    if not regions:
        raise ValueError("--exclude: leaves no region to calibrate")
    priors = registry.prior_ranges({**abcsmc.PRIORS, **_priors(args.prior)})
    if args.only:
        only = [k.strip() for k in args.only.split(",") if k.strip()]
        if not only:
            raise ValueError("--only: expected KEY[,KEY...]")
        try:
            priors = registry.prior_ranges({k: priors.get(k) for k in only})  # a key without a prior: its bounds
        except registry.ScenarioError as exc:
            raise ValueError(f"--only: {exc}") from None
    given = {**{k: v for k, v in abcsmc.GIVEN.items() if k not in priors}, **parse_overrides(args.given)}
    clash = sorted(set(given) & set(priors))
    if clash:
        raise ValueError(f"--set {clash[0]}: also has a prior; a key is either calibrated or held fixed")
    setup = abcsmc.Setup(regions, priors, given, args.particles, args.seeds_per_particle, args.alpha, args.seed,
                         args.weigh)
    for name in regions:  # the given keys apply (fail before any run)
        abcsmc.region_scenario(abcsmc.REGIONS[name], given)
    folder = args.out or Path("results") / f"calibrate-{'-'.join(regions)}"
    provenance = _start(folder, setup, args, excluded)
    client = None
    if args.scheduler:
        from ..experiments.engines import dask_client

        client = dask_client(args.scheduler)
    engine = f"Dask scheduler {args.scheduler}" if args.scheduler else (
        "serial" if args.workers == 1 else f"{args.workers} processes")
    keys = ", ".join(priors) if len(priors) <= 3 else f"{len(priors)} parameters"
    print(f"calibrate {'+'.join(regions)}: {keys}, {args.particles} particles x "
          f"{args.seeds_per_particle} seed(s), up to {args.generations} generations; {engine} -> {folder}")

    def report(g: dict[str, Any]) -> None:
        print(f"  generation {g['generation']}: epsilon {g['epsilon']:.3g}, {g['evaluations']} evaluations "
              f"(acceptance {g['acceptance']:.0%}), ESS {g['ess']:.1f}, {g['wall_time_s']:.0f} s", flush=True)

    started = time.perf_counter()
    try:
        table = abcsmc.run(setup, folder, args.generations, args.workers, client, args.min_epsilon,
                           progress=not args.quiet, report=report)
    except KeyboardInterrupt:
        print(f"interrupted: finished generations are kept; continue with: imcsim calibrate --out {folder} "
              f"--resume (and the same options)", file=sys.stderr)
        raise
    finally:
        if client is not None:
            client.close()
    provenance["generations"] = table
    provenance["sessions"][-1]["ended"] = _now()
    provenance["sessions"][-1]["seconds"] = round(time.perf_counter() - started, 1)
    _finish(folder, setup, provenance, excluded, args)
    return 0


def _now() -> str:
    from ..experiments.provenance import now

    return now()


def _start(folder: Path, setup, args: argparse.Namespace, excluded: tuple[str, ...]) -> dict[str, Any]:
    """Check --out, and the provenance to keep (the earlier one when resuming the same setup)."""
    from importlib import metadata

    from ..experiments.provenance import model_fingerprint, package_versions

    sidecar = folder / "posterior.json"
    record = json.loads(json.dumps(setup.record()))  # as JSON reads it back, to compare
    session = {"started": _now(), "workers": args.workers, "scheduler": args.scheduler,
               "generations": args.generations, "argv": sys.argv[1:]}
    if args.resume:
        if not sidecar.is_file() or not (folder / "history.db").is_file():
            raise ValueError(f"--resume: {folder} holds no calibration to continue")
        provenance = json.loads(sidecar.read_text(encoding="utf-8"))
        if provenance.get("setup") != record:
            raise ValueError(f"--resume: {folder} holds a calibration with another setup (regions, priors, "
                             "given keys, particles, seeds or seed); use the same options, or another --out")
        if provenance.get("model_fingerprint") != model_fingerprint():
            raise ValueError(f"--resume: {folder} was calibrated on another version of the model; "
                             "use another --out, or --force to start again")
        provenance["sessions"].append(session)
    else:
        check_out(folder, args.force)
        if args.force and folder.is_dir():
            for name in OUTPUTS:
                (folder / name).unlink(missing_ok=True)
        folder.mkdir(parents=True, exist_ok=True)
        packages = package_versions()
        packages["pyabc"] = metadata.version("pyabc")
        provenance = {
            "what": "imcsim calibrate: ABC-SMC posterior (pyabc); posterior.csv holds the last generation",
            "model_fingerprint": model_fingerprint(), "packages": packages, "setup": record,
            "given": setup.given, "excluded": list(excluded),
            "statistics": [{"name": s.name, "region": s.region, "source": s.source, "observed": s.observed,
                            "term": s.text} for s in setup.statistics()],
            "distance": ("per seed, the sum of the statistics' terms (capped at 3 each)"
                         + ("" if setup.weigh == "statistics" else ", each over its region's number of statistics "
                            "(every region counts the same)") + "; mean over the particle's seeds"),
            "epsilon": f"generation 0: infinite (a prior sample); then the weighted {setup.alpha} quantile of the "
                       "previous generation's distances",
            "seeds": "evaluation i of generation t seeds NumPy from SeedSequence([seed, t + 1, i]); its "
                     "simulation seeds are drawn from that generator (kept per particle in history.db)",
            "reproducible": "the posterior depends only on the setup and the seed: the same for any --workers, "
                            "on Dask, and after --resume (given the same packages and model fingerprint)",
            "sessions": [session],
        }
    _write_json(sidecar, provenance)
    return provenance


def _write_json(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(data, indent=1, ensure_ascii=False, default=float) + "\n", encoding="utf-8")
    tmp.replace(path)


def _finish(folder: Path, setup, provenance: dict[str, Any], excluded: tuple[str, ...],
            args: argparse.Namespace) -> None:
    """Write the posterior, its tables and figures (and the held-out check); print the summary."""
    import pandas as pd

    from ..posterior import load_posterior
    from ..validation import abcsmc, posterior_report

    parts = abcsmc.particles(folder)
    table = pd.DataFrame([{k: v for k, v in p.items() if k != "stats"} for p in parts])
    table.to_csv(folder / "posterior.csv", index=False)
    posterior = load_posterior(folder / "posterior.csv")
    provenance["weighted_median"] = posterior.summary()  # what `run --posterior` runs; candidate defaults
    _write_json(folder / "posterior.json", provenance)
    prior_sample = pd.DataFrame(abcsmc.particles(folder, 0))
    rows = posterior_report.identification(posterior, setup.priors, prior_sample)
    columns = ["parameter", "section", "prior_low", "prior_high", "median", "low90", "high90", "width_ratio", "verdict"]
    (folder / "identification.md").write_text(posterior_report.markdown(rows, columns), encoding="utf-8")
    pd.DataFrame(rows).to_csv(folder / "identification.csv", index=False)
    stats = posterior_report.statistics_table(parts, setup.statistics())
    (folder / "statistics.md").write_text(posterior_report.markdown(
        stats, ["statistic", "source", "observed", "posterior_mean", "finite_share", "mean_term"]), encoding="utf-8")
    if not args.no_plots:
        posterior_report.plot(posterior, setup.priors, rows, folder)
    last = provenance["generations"][-1] if provenance["generations"] else {}
    print(f"posterior: {len(parts)} particles of generation {last.get('generation')} (epsilon "
          f"{last.get('epsilon', float('nan')):.3g}) -> {folder / 'posterior.csv'}")
    print(posterior_report.markdown(rows, ["parameter", "median", "low90", "high90", "width_ratio", "verdict"]), end="")
    if excluded:
        text = heldout(posterior, excluded, args.heldout_replications, args.workers, not args.quiet)
        (folder / "heldout.md").write_text(text, encoding="utf-8")
        print(text, end="")


def heldout(posterior, regions: tuple[str, ...], replications: int, workers: int, progress: bool) -> str:
    """The held-out regions' patterns under the posterior (seed r runs draw r), as Markdown."""
    from ..progress import Progress
    from ..scenario import load_scenario
    from ..validation.abcsmc import statistic_pattern
    from ..validation.distances import STATISTICS
    from ..validation.runner import validate

    seeds = range(1, replications + 1)
    out = []
    for name in regions:
        scenario, draws = posterior.base(load_scenario(name)), posterior.draws(replications)
        with Progress(2 * replications, f"held out: {name}", unit="seed", enabled=progress) as bar:
            results = validate(scenario, seeds, progress=bar.update, workers=workers, draws=draws)
            terms = validate(scenario, seeds, patterns=[statistic_pattern(s) for s in STATISTICS if s.region == name],
                             progress=bar.update, draws=draws)
        out.append(f"Held out: {name} ({replications} seeds x posterior draws; 90% intervals)\n\n"
                   "| pattern | target | predicted | result |\n|---|---|---|---|\n")
        out.extend(f"| {r.pattern.name} | {r.pattern.target_text} | {r.observed()} | {r.verdict} |\n" for r in results)
        out.append(f"\n{sum(r.passed for r in results)}/{len(results)} patterns pass\n\n"
                   f"Held out: {name}, the calibration's statistics (distance term, 0 = the history, 1 = as far "
                   "off as the sources' tolerance, at most 3)\n\n| statistic | term | predicted | within tolerance |\n"
                   "|---|---|---|---|\n")
        out.extend(f"| {r.pattern.name} | {r.pattern.measure_text} | {r.observed()} | {r.verdict} |\n" for r in terms)
        out.append("\n")
    return "".join(out)

