"""Bad input to ``imcsim run`` is refused with one line naming file and key, exit code 2, and
no traceback; a failed run leaves earlier outputs in the results folder untouched."""

from pathlib import Path

import pytest

from simulation import cli, runs
from simulation.scenario import SCENARIO_DIR, load_scenario

HEDMARK = (SCENARIO_DIR / "hedmark.toml").read_text(encoding="utf-8")
# hedmark.toml carries no [parameters] table (behaviour is the registry's): a text with one, as a
# user's own region file may have, anchors the bad [parameters] lines below
FIRST_TABLE = "\n[governance.host]\n"
WITH_PARAMETERS = HEDMARK.replace(FIRST_TABLE, "\n[parameters]\nreview_rate = 0.29\n" + FIRST_TABLE, 1)


def run_cli(capsys, *argv: str) -> tuple[int, str]:
    """Exit code and stderr of ``imcsim ARGV`` (argparse errors exit via SystemExit)."""
    try:
        code = cli.main(list(argv))
    except SystemExit as exc:
        code = exc.code
    return code, capsys.readouterr().err


def assert_refused(code: int, err: str, *words: str) -> None:
    assert code == 2, err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("imcsim: error: ")
    for w in words:
        assert w in lines[0], (w, lines[0])


# (what is changed in hedmark.toml, words the one-line error must contain: file, key, expectation)
BAD_FILES = [
    (("ticks = 35", 'ticks = "35"'), ("ticks", "expected int")),
    (("ticks = 35", "ticks = 100000"), ("ticks", "[1, 500]")),
    (("start_year = 2005", "start_year = 20005"), ("start_year", "[1800, 2300]")),
    (("population = 31999", "population = -31999"), ("municipalities[Hamar].population", "expected a number in [1")),
    (("population = 31999", "population = nan"), ("population", "expected a number")),
    (("population = 31999", "population = true"), ("population", "expected a number")),
    (("population = 31999", "population = 31999\nw_myth = 9"), ("municipalities[Hamar].w_myth", "[0.0, 5.0]")),
    (("population = 31999", 'population = 31999\nw_myth = "high"'), ("municipalities[Hamar].w_myth", "number")),
    (('name = "Hamar"', 'name = ""'), ("municipalities[0].name", "non-empty")),
    (('name = "Stange"', 'name = "Hamar"'), ("municipalities", "duplicate name(s) Hamar")),
    (("autonomy = 0.4 ", 'autonomy = "high" '), ("autonomy", "[0.0, 1.0]")),
    (("ambition = 0.9", "ambition = 1.9"), ("ambition", "[0.0, 1.0]")),
    (('default_governance = "host"', 'default_governance = "kingdom"'), ("default_governance", "kingdom")),
    (('decision_rule = "majority"', 'exit_notice = "two"'), ("governance.host.exit_notice", "integer")),
    (('decision_rule = "majority"', 'colour = "red"'), ("governance.host", "unknown governance field")),
    (('decision_rule = "majority"', 'decision_rule = "dice"'), ("decision_rule", "expected one of host, majority")),
    (('decision_rule = "majority"', "pooled_share = 1.5"), ("pooled_share", "[0.0, 1.0]")),
    (('label = "legal-form', 'lable = "legal-form'), ("junctures[0]", "unknown key(s) lable")),
    (("start = 2019\nend = 2023", "start = 2023\nend = 2019"), ("junctures[0].end", ">= start")),
    (("year = 2020\n", "year = 2020\nsize = 3\n"), ("shocks[0].size", "[0.0, 1.0]")),
    (("year = 2020\n", "when = 2020\n"), ("shocks[0]", "unknown key(s) when")),
    (("1990 = 0.1", "early = 0.1"), ("legitimacy", "years")),
    (("1990 = 0.1", "1990 = 1.5"), ("legitimacy.1990", "[0.0, 1.0]")),
    (("within_region = 0.6", "inside = 0.6"), ("trust", "unknown key(s) inside")),
    (("within_region = 0.6", 'within_region = "high"'), ("trust.within_region", "number")),
    (("Kongsvinger = 0.46", "Oslo = 0.46"), ("trust.regions.Oslo", "one of the regions")),
    (("Kongsvinger = 0.46", "Kongsvinger = 1.46"), ("trust.regions.Kongsvinger", "[0.0, 1.0]")),
    (('["Sør-Odal", "Kongsvinger", 0.35]', '["Sør-Odal", "Oslo", 0.35]'), ("trust.pairs[0]", "'Oslo'")),
    (('["Sør-Odal", "Kongsvinger", 0.35]', '["Sør-Odal", "Sør-Odal", 0.35]'), ("trust.pairs[0]", "two different")),
    (('["Sør-Odal", "Kongsvinger", 0.35]', '["Sør-Odal", "Kongsvinger"]'), ("trust.pairs[0]", "[name, name, trust]")),
    (('["Sør-Odal", "Kongsvinger", 0.35]', '["Sør-Odal", "Kongsvinger", -1]'), ("trust.pairs[0] trust", "[0.0, 1.0]")),
    (("review_rate = 0.29", "review_rat = 0.29"), ("parameters.review_rat", "did you mean")),
    (("review_rate = 0.29", "review_rate = 29"), ("parameters.review_rate", "[0.0, 1.0]")),
    (("review_rate = 0.29", "review_rate = true"), ("parameters.review_rate", "number")),
    (("review_rate = 0.29", "small_max = 20000\nmedium_max = 10000"), ("small_max", "less than medium_max")),
    (('["Hamar", "Stange"]', '["Hamar", "Oslo"]'), ("neighbours.edges", "'Oslo'")),
    (('["Hamar", "Stange"]', '["Hamar", "Hamar"]'), ("neighbours.edges", "itself")),
    (('["Hamar", "Stange"]', '["Hamar"]'), ("neighbours.edges", "pair")),
    (('default_governance = "host"', 'perspectives = "myth"\ndefault_governance = "host"'), ("perspectives", "list")),
]


def test_the_text_with_a_parameters_table_is_accepted(tmp_path):
    """So the bad files below are refused for their change, not for the inserted table."""
    assert FIRST_TABLE in HEDMARK and "\n[parameters]\n" not in HEDMARK
    path = tmp_path / "good.toml"
    path.write_text(WITH_PARAMETERS, encoding="utf-8")
    assert load_scenario(path).parameters.review_rate == 0.29


@pytest.mark.parametrize("change, words", BAD_FILES, ids=[c[0][1][:30] for c in BAD_FILES])
def test_bad_scenario_file_is_refused_in_one_line(tmp_path, capsys, change, words):
    old, new = change
    assert old in WITH_PARAMETERS
    path = tmp_path / "bad.toml"
    path.write_text(WITH_PARAMETERS.replace(old, new, 1), encoding="utf-8")
    code, err = run_cli(capsys, "run", str(path), "--out", str(tmp_path / "out"), "--no-plots")
    assert_refused(code, err, "bad.toml", *words)
    assert not (tmp_path / "out").exists()


APPENDED = [
    ('[[collaborations]]\nmembers = ["Hamar", "Stange"]\n', ("collaborations[0]", "name")),
    ('[[collaborations]]\nname = "X"\nmembers = ["Hamar", "Hamar"]\n', ("collaborations[X].members", "twice")),
    ('[[collaborations]]\nname = "X"\nmembers = ["Hamar"]\n', ("collaborations[X].members", "two members")),
    ('[[collaborations]]\nname = "X"\ngovernance = "kingdom"\nmembers = ["Hamar", "Stange"]\n',
     ("collaborations[X].governance", "kingdom")),
    ('[[collaborations]]\nname = "X"\nmembers = ["Hamar", "Stange"]\n[[collaborations]]\nname = "Y"\nmembers = ["Hamar", "Grue"]\n',
     ("collaborations", "Hamar is a member of both X and Y")),
    ("[[[\n", ("not valid TOML",)),
]


@pytest.mark.parametrize("extra, words", APPENDED)
def test_bad_collaborations_are_refused(tmp_path, capsys, extra, words):
    path = tmp_path / "bad.toml"
    path.write_text(HEDMARK + "\n" + extra, encoding="utf-8")
    assert_refused(*run_cli(capsys, "run", str(path), "--no-plots", "--out", str(tmp_path / "o")), "bad.toml", *words)


SMALL_FILES = [
    ('name = "x"\n', ("municipalities", "at least two")),
    ('name = "x"\n[[municipalities]]\nname = "A"\npopulation = 5\n', ("municipalities", "at least two")),
    ('name = "x"\n[municipalities]\nname = "A"\npopulation = 5\n', ("municipalities", "array of tables")),
    ('[generator]\nn = 1\n', ("generator.n", "[2, 2000]")),
    ('[generator]\nn = "many"\n', ("generator.n", "integer")),
    ('[generator]\nsize = 10\n', ("generator", "unknown key(s) size")),
    ('[generator]\nn = 10\nfamilies = 9\n', ("generator.families", "[1, 4]")),
    ('[generator]\nn = 10\nregions = 20\n', ("generator.regions", "at most")),
    ('[generator]\nn = 10\n[[municipalities]]\nname = "A"\npopulation = 5\n', ("either [generator]",)),
    ('name = "a/b"\n[generator]\nn = 10\n', ("name", "path separators")),
]


@pytest.mark.parametrize("text, words", SMALL_FILES)
def test_bad_small_scenarios_are_refused(tmp_path, capsys, text, words):
    path = tmp_path / "small.toml"
    path.write_text(text, encoding="utf-8")
    assert_refused(*run_cli(capsys, "run", str(path), "--no-plots", "--out", str(tmp_path / "o")), "small.toml", *words)


def test_unreadable_scenario_files(tmp_path, capsys):
    latin1 = tmp_path / "latin1.toml"
    latin1.write_bytes("name = 'Sør'\n".encode("latin-1"))
    assert_refused(*run_cli(capsys, "run", str(latin1)), "latin1.toml", "UTF-8")
    folder = tmp_path / "folder.toml"
    folder.mkdir()
    assert_refused(*run_cli(capsys, "run", str(folder)), "folder.toml", "cannot read")
    assert_refused(*run_cli(capsys, "run", str(tmp_path / "missing.toml")), "missing.toml", "no such scenario file")
    assert_refused(*run_cli(capsys, "run", "nowhere"), "unknown scenario 'nowhere'", "hedmark")


BAD_SETS = [
    ("fixed_cost", ("--set fixed_cost", "key=value")),
    ("=5", ("--set =5", "non-empty key")),
    ("fixed_cost=", ("non-empty key and value",)),
    ("fixed_cost=lots", ("--set fixed_cost", "expected a number")),
    ("fixed_cost=-5", ("--set fixed_cost", "[0.0, 50000000.0]")),
    ("fixed_cost=nan", ("--set fixed_cost", "expected a number")),
    ("fixed_cost=inf", ("--set fixed_cost", "expected a number")),
    ("fixed_cost=true", ("--set fixed_cost", "expected a number")),
    ("w_myht=2", ("--set w_myht", "unknown key", "did you mean 'w_myth'")),
    ("ticks=0", ("--set ticks", "integer in [1, 500]")),
    ("ticks=true", ("--set ticks", "integer in [1, 500]")),
    ("ticks=2.5", ("--set ticks", "integer in [1, 500]")),
    ("ticks=99999", ("--set ticks", "[1, 500]")),
    ("start_year=abc", ("--set start_year", "integer")),
    ("governance=kingdom", ("--set governance", "unknown governance model")),
    ("governance=3", ("--set governance", "unknown governance model")),
    ("governance=[1,2]", ("--set governance", "unknown governance model")),
    ("default_governance=as,iks", ("--set default_governance", "unknown governance model")),
    ("governance.iks.exit_notice=two", ("--set governance.iks.exit_notice", "integer")),
    ("governance.iks.exit_notice=1.5", ("--set governance.iks.exit_notice", "integer")),
    ("governance.iks.exit_notice=-1", ("exit_notice", "[0, 50]")),
    ("governance.iks.pooled_share=2", ("pooled_share", "[0.0, 1.0]")),
    ("governance.iks.cost_key=free", ("cost_key", "expected one of per_capita")),
    ("governance.iks.name=x", ("unknown governance field 'name'",)),
    ("governance.iks=x", ("governance.MODEL.FIELD",)),
    ("governance.nope.exit_notice=1", ("unknown governance model 'nope'",)),
    ("perspectives=astrology", ("perspectives", "astrology")),
    ("perspectives=myth,myth", ("perspectives", "subset")),
    ("perspectives=3", ("--set perspectives", "list")),
    ("municipalities.Oslo.w_myth=1", ("--set municipalities.Oslo", "unknown municipality 'Oslo'", "Hamar")),
    ("municipalities.Hamarr.w_myth=1", ("unknown municipality 'Hamarr'", "did you mean 'Hamar'")),
    ("trust.within_regoin=0.6", ("--set trust.within_regoin", "did you mean 'trust.within_region'")),
    ("trust.within_region=1.5", ("--set trust.within_region", "[0.0, 1.0]")),
    ("trust.regions.Kongsvingr=0.5", ("--set trust.regions.Kongsvingr", "did you mean 'Kongsvinger'")),
    ("trust.pairs.Hamar.Oslo=0.5", ("--set trust.pairs.Hamar.Oslo", "unknown municipality 'Oslo'")),
    ("generator.n=50", ("--set generator", "[generator] table")),
    ("legitimacy.20005=0.5", ("--set legitimacy.20005", "expected a year")),
    ("junctures.3.start=2010", ("--set junctures.3.start", "index 0-0")),
    ("junctures.0.end=2001", ("junctures.0.end", ">= start")),
    ("shocks.0.size=2", ("--set shocks.0.size", "[0.0, 1.0]")),
    ("governance.iks.exit_notise=1", ("unknown governance field 'exit_notise'", "did you mean 'exit_notice'")),
    ("municipalities.Hamar.w_myth=9", ("--set municipalities.Hamar.w_myth", "[0.0, 5.0]")),
    ("municipalities.Hamar.w_myth=much", ("--set municipalities.Hamar.w_myth", "expected a number")),
    ("municipalities.Hamar.colour=red", ("--set municipalities.Hamar.colour", "unknown municipality field 'colour'")),
    ("municipalities.Hamar.population=-3", ("--set municipalities.Hamar.population", "expected a number in [1")),
    ("municipalities.Hamar.name=Oslo", ("--set municipalities.Hamar.name", "cannot be renamed")),
    ("municipalities.Hamar=1", ("municipalities.NAME.FIELD",)),
]


@pytest.mark.parametrize("item, words", BAD_SETS, ids=[b[0] for b in BAD_SETS])
def test_bad_set_overrides_are_refused(tmp_path, capsys, item, words):
    code, err = run_cli(capsys, "run", "hedmark", "--set", item, "--out", str(tmp_path / "o"), "--no-plots")
    assert_refused(code, err, *words)
    assert not (tmp_path / "o").exists()


def test_inconsistent_overrides_are_refused(capsys):
    code, err = run_cli(capsys, "run", "hedmark", "--set", "small_max=20000", "--set", "medium_max=10000")
    assert_refused(code, err, "--set small_max", "less than medium_max")


@pytest.mark.parametrize("setting, words", [
    ("medium_max=1000", ("--set medium_max", "more than small_max (5000), got 1000")),
    ("competence_max=0.01", ("--set competence_max", "at least competence_min (0.05), got 0.01")),
    ("small_max=20000", ("--set small_max", "less than medium_max (15000), got 20000")),
])
def test_an_override_out_of_order_names_the_key_that_was_set(capsys, setting, words):
    """Only the upper key of an ordered pair is set: the error names it, not its untouched partner
    (a case the override property test can draw)."""
    code, err = run_cli(capsys, "run", "hedmark", "--set", setting)
    assert_refused(code, err, *words)


@pytest.mark.parametrize("flags, words", [
    (("--seed", "-1"), ("--seed", "expected an integer in [0, 9223372036854775807]")),
    (("--ticks", "0"), ("--ticks", "[1, 500]")),
    (("--ticks", "1000"), ("--ticks", "[1, 500]")),
])
def test_bad_flags_are_refused(capsys, flags, words):
    assert_refused(*run_cli(capsys, "run", "hedmark", *flags), *words)


@pytest.mark.parametrize("flags", [("--seed", "x"), ("--years", "x"), ("--format", "xlsx"), ("--bogus",)])
def test_argparse_refusals_exit_2_without_traceback(capsys, flags):
    assert_refused(*run_cli(capsys, "run", "hedmark", *flags), flags[0], "see imcsim run --help")


def test_out_must_be_a_folder(tmp_path, capsys):
    afile = tmp_path / "afile"
    afile.write_text("keep me")
    assert_refused(*run_cli(capsys, "run", "hedmark", "--ticks", "2", "--out", str(afile)), "--out", "not a folder")
    assert_refused(*run_cli(capsys, "run", "hedmark", "--ticks", "2", "--out", str(afile / "sub")), "--out", "not a folder")
    assert afile.read_text() == "keep me"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_failed_run_keeps_earlier_outputs(tmp_path, capsys, monkeypatch):
    out = tmp_path / "results"
    assert run_cli(capsys, "run", "hedmark", "--ticks", "3", "--seed", "1", "--out", str(out), "--no-plots")[0] == 0
    before = snapshot(out)
    assert {"series.csv", "decisions.csv", "summary.json"} <= set(before)

    def broken(model, folder):
        (folder / "membership.png").write_bytes(b"half a plot")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("simulation.runs.write_plots", broken)
    code, err = run_cli(capsys, "run", "hedmark", "--ticks", "5", "--seed", "2", "--out", str(out), "--force")
    assert_refused(code, err, "No space left on device")
    assert snapshot(out) == before  # nothing replaced, nothing half-written, nothing deleted
    assert [p.name for p in tmp_path.iterdir()] == ["results"]  # no staging folder left behind


def test_successful_run_replaces_outputs_as_a_whole(tmp_path, capsys):
    out = tmp_path / "results"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    assert run_cli(capsys, "run", "hedmark", "--ticks", "2", "--out", str(out), "--no-plots", "--force")[0] == 0
    assert (out / "notes.txt").read_text() == "mine"  # unrelated files are kept
    assert '"ticks": 2' in (out / "summary.json").read_text()


def test_staged_output_moves_nothing_on_interrupt(tmp_path):
    out = tmp_path / "results"
    out.mkdir()
    (out / "series.csv").write_text("old")
    with pytest.raises(KeyboardInterrupt), runs.staged_output(out) as staging:
        (staging / "series.csv").write_text("new")
        raise KeyboardInterrupt
    assert (out / "series.csv").read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["results"]


def test_municipality_overrides_keep_what_the_file_left_unsaid():
    """``--set municipalities.NAME.FIELD`` changes that field only: a municipality without culture
    traits or competence in its file (Arendal in agder) still gets them derived."""
    from simulation import CollaborationModel, load_scenario

    base = load_scenario("agder")
    changed = load_scenario("agder", {"municipalities.Arendal.w_myth": 2.0, "municipalities.Arendal.population": 50_000})
    before, after = base.municipalities[0], changed.municipalities[0]
    assert before.name == after.name == "Arendal" and before.culture == after.culture == ()
    assert (after.w_myth, after.population, after.competence) == (2.0, 50_000, before.competence)
    assert changed.municipalities[1:] == base.municipalities[1:]
    CollaborationModel(changed, seed=1).run(2)


@pytest.mark.slow
def test_a_reader_that_stops_early_is_not_an_error(tmp_path):
    """``imcsim params | head -1``: a closed pipe ends the command quietly, with the shell's
    SIGPIPE status, and no 'Broken pipe' error or traceback. (The reader closes before the command
    has printed anything: a listing that fits in the pipe's buffer would otherwise race it.)"""
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-m", "simulation.cli", "params"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, cwd=tmp_path)
    proc.stdout.close()  # the reader goes away before the listing (imports take far longer than this)
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 141, err
    assert err == ""
