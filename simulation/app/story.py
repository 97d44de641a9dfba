"""The words on the page: path dependency in plain language, each scenario's story, and the
ten-minute lesson. No figures from model runs here (they would drift); the page prints those
from the runs themselves."""

from __future__ import annotations

from ..scenario import Scenario

IDEAS = """
**Increasing returns.** The more members a collaboration has, the cheaper and better it gets for
each of them: fixed ICT costs are shared, and joint investments in common systems pile up. A small
early lead can therefore grow by itself. (Slider *Increasing returns*: members sink joint
investments that they lose if they leave.)

**Lock-in.** Once most municipalities have chosen, changing is costly: a new platform must be
paid for (*cost of moving*), habits have formed (*habit*), and partners are trusted. The
arrangement freezes even if another one would be as good or better. The year of lock-in is the
last year in which any municipality changes its arrangement.

**Critical junctures.** Now and then the ground shifts: a legal deadline, a reform, a new
director. For a while habits and exit terms matter less and everyone reconsiders (yellow band
in the charts). Path dependence runs from one critical juncture to the next.

**So history matters.** The same start, the same rules and the same people can end in
different arrangements, decided by small events on the way. One run shows *a* history; only
many runs show which outcomes are likely.
"""

LESSONS = {
    "two_hubs": """
1. **One history** (2 min): press *Step* three times. Ask: which hub will win the middle? Press
   *Play* to the end.
2. **Many histories** (3 min): press *Run* for 50 seeds. Same start, same rules: watch who wins
   and when each history locks in.
3. **Rewind and replay** (3 min): pick an early year (2001), press *Replay*. Up to that year the
   two histories are identical; after it, other dice, sometimes the other hub. From a later year
   the region is usually one collaboration already, and the replay ends the same.
4. **What if?** (2 min): set *Increasing returns* to 0 or choose a preset such as *traditional*,
   run the ensemble again: does the early leader still win? Does the juncture open anything up?
""",
    "hedmark": """
1. **One history** (3 min): press *Step* twice. Do Hamar, Løten and Stange found a collaboration,
   as they did in 2005-06? Press *Play* and pause at 2011: have Kongsvinger, Grue and Nord-Odal
   joined, together, as they did that year? Play on: when does Sør-Odal join (in history 2018)?
2. **Many histories** (3 min): press *Run* for 50 seeds. Same start, same rules: does one
   collaboration end with all seven every time? In which years do the histories lock in?
3. **Rewind and replay** (2 min): find the year the Kongsvinger group joined in the current run,
   replay from a year or two before it with another seed. Does the group join in the same year?
   Replay from after it: does anyone leave again?
4. **What if?** (2 min): raise *Habit* or choose the *traditional* preset and run the ensemble
   again: do the histories lock in earlier or later? Ask what the source gives for the year 2011
   (the year, not a reason) and what the model needs to decide it.
""",
    "agder": """
1. **One history** (3 min): IKT Agder and Setesdal IKT start with their founding members. Press
   *Step* a few times: who joins IKT Agder, year by year? Press *Play* and pause at 2022, the year
   of the real merger: has Setesdal IKT merged into IKT Agder, dissolved, or does it still stand?
2. **Many histories** (3 min): press *Run* for 50 seeds. Which collaboration ends largest, and how
   much of the region does IKT Agder hold at the end? In how many histories does the valley keep
   its own collaboration?
3. **Rewind and replay** (2 min): replay from a year before the merger in the current run (the
   yellow band, 2020-22, is the reform that made Agder one county) with another seed: does the merger come earlier,
   later, or not at all?
4. **What if?** (2 min): a merger moves Setesdal's members onto IKT Agder's platform. Raise *Cost
   of moving to another platform* and run the ensemble again: what happens to the merger?
""",
    "norway": """
1. **One history** (3 min): press *Step* five times. Where on the map do the first collaborations
   form, and who is still alone? Press *Play* and pause at 2015: count the collaborations in the
   legend. Norway had about 40 formal ICT collaborations that year (KS 2015).
2. **Many histories** (3 min): press *Run* for 20 seeds (a national history takes a few seconds).
   How many collaborations are there at the end, and how much does it differ between runs?
3. **Rewind and replay** (2 min): replay from 2004 with another seed: the same number of
   collaborations? The same municipalities together?
4. **Discuss** (2 min): in a survey of 2018, 60 % of municipalities collaborated on ICT operations
   and 40 % did not (Rambøll 2018, source 004). Compare the municipalities left alone here: who
   are they, and what would the model need to know to keep the others out?
""",
}

GENERAL_LESSON = """
1. **One history** (2 min): press *Step* a few times: who moves first? Press *Play* to the end.
2. **Many histories** (3 min): press *Run* for 50 seeds. Same start, same rules: which
   collaboration ends largest, and when does each history lock in?
3. **Rewind and replay** (3 min): replay from {early} with another seed, then from a late year:
   from which year on does the replay end as the history did?
4. **What if?** (2 min): choose a preset or move a slider and run the ensemble again: what changes?
"""

STORIES = {
    "two_hubs": (
        "Two equally good hub municipalities, West and East, each already collaborate on ICT with "
        "their two nearest small neighbours. Between them lie small municipalities that are all alike. "
        "Nothing favours either hub. Year by year each small municipality decides: stay alone, join "
        "West, join East, or switch. In 2015-16 a critical juncture (a legal deadline) makes everyone "
        "reconsider."
    ),
    "hedmark": (
        "Hedmark IKT, a real collaboration (source 004, Bjaaland 2022). Hamar, Løten and Stange founded "
        "it in 2005-06; Kongsvinger, Grue and Nord-Odal joined together in 2011; Sør-Odal joined in "
        "2018; nobody left before 2022. The model starts in 2005 with no collaboration at all: does "
        "it grow the same history?"
    ),
    "agder": (
        "Agder, with two real collaborations (source 002). IKT Agder, a company owned by its member "
        "municipalities, was founded in 2002-03 and had 14 owners by 2022, grown as neighbours joined; "
        "Setesdal IKT served the small municipalities of the valley. In 2022 Setesdal IKT merged into IKT Agder, "
        "bringing Bykle (940 inhabitants) and others. Does the model merge them, or does Setesdal IKT "
        "fall apart, and when?"
    ),
    "norway": (
        "All 357 Norwegian municipalities (2025 borders and populations), none in an ICT collaboration "
        "in 2000. By 2015 Norway had about 40 formal ICT collaborations (KS 2015; sources 002 and 004), "
        "formed among neighbours and grown by neighbours joining and collaborations merging. How many "
        "form here, how large do they grow, and who stays outside?"
    ),
}


def lesson(scenario: Scenario) -> str:
    """The ten-minute lesson for the scenario: its own where it has one, else a general one whose
    replay year lies in the scenario's span."""
    return LESSONS.get(scenario.name) or GENERAL_LESSON.format(early=scenario.start_year + 1)


def story(scenario: Scenario) -> str:
    """The scenario's story in plain words (its description when it has no story of its own)."""
    return STORIES.get(scenario.name, scenario.description or f"Scenario {scenario.name}.")
