"""Cultural perspective: the logic of appropriateness and path dependency (MODEL.md s4).

What is appropriate for a municipality depends on who it would be with (identity fit: similar
culture, same region, trust; founder blocs, 004 L874; regional trust, L862), on which systems
it already runs (system-family camps, 004 L860-870; "hard to find partners, our portfolio was
so different", 001 L2471), on its autonomy norm (the "culture of autonomy", 004), and on habit:
status-quo bias grows with tenure and relaxes while a critical juncture is open (004 L1032).
Co-members grow trust and converge culturally (Axelrod), which makes lock-in self-reinforcing.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from ..parameters import Parameters


def habit(tenure: float, juncture_open: bool, p: Parameters) -> float:
    """Status-quo bonus: grows with tenure in the current arrangement; relaxed at junctures."""
    strength = p.habit_strength * (1.0 - math.exp(-tenure / p.habit_years))
    return strength * (1.0 - p.juncture_relief) if juncture_open else strength


def identity_fit(similarity: float, region_share: float, trust: float, family_share: float,
                 p: Parameters) -> float:
    """How appropriate it feels to be with a group of partners: each term is zero at its neutral
    point (``Parameters.neutral_*``), where a group is neither attractive nor repellent."""
    return (p.identity_weight * (similarity - p.neutral_similarity)
            + p.region_weight * (region_share - p.neutral_region_share)
            + p.trust_weight * (trust - p.neutral_trust)
            + p.family_weight * (family_share - p.neutral_family_share))


def applicant_fit(region_share: float, trust: float, p: Parameters) -> float:
    """How appropriate newcomers feel to a member voting on their admission: trust in them and
    their region; culture and system family are not judged (they are neutral points)."""
    return identity_fit(p.neutral_similarity, region_share, trust, p.neutral_family_share, p)


def exclusion_cost(region_share: float, p: Parameters) -> float:
    """What refusing region-mates would cost a member voting on their admission: exclusion "can
    make collaboration more difficult on other arenas" where they share much binding
    collaboration (004 L880); so admitting them is the more appropriate, in proportion to the
    applicants' share from the member's own region (0 when ``exclusion_cost`` is 0)."""
    return p.exclusion_cost * region_share


def autonomy_cost(autonomy: float, pooled_share: float, p: Parameters) -> float:
    """The autonomy norm resists handing a share of the portfolio to a joint body."""
    return p.autonomy_weight * autonomy * pooled_share


def voice(mean_trust: float, tenure: float, p: Parameters) -> float:
    """Voice is appropriate for loyal members with more than a year's tenure (002 L2274-2278)."""
    return p.voice_weight * mean_trust if tenure >= 1 else -math.inf


def group_profile(i: int, members: np.ndarray, culture: np.ndarray, region: np.ndarray,
                  family: np.ndarray, trust: np.ndarray,
                  p: Parameters | None = None) -> tuple[float, float, float, float]:
    """(similarity, same-region share, mean trust, same-family share) of i towards a group; an
    empty group sits at the neutral points (of ``p``, or the default parameters)."""
    n = members.size
    if n == 0:
        p = p or Parameters()
        return p.neutral_similarity, p.neutral_region_share, p.neutral_trust, p.neutral_family_share
    # shares as count / n and sums / n: the same numbers as .mean(), at a fraction of the overhead
    similarity = np.count_nonzero(culture[members] == culture[i]) / (n * culture.shape[1])
    return (similarity, np.count_nonzero(region[members] == region[i]) / n,
            float(trust[i, members].sum() / n), np.count_nonzero(family[members] == family[i]) / n)


class Sameness(NamedTuple):
    """Per pair (i, j), how alike they are, packed in one integer: equal culture traits
    + ``region`` x same region + ``family`` x same family. A group's three counts then come from
    one sum (``coded_profile``), exactly as ``group_profile`` counts them."""

    codes: np.ndarray  # n x n integers
    width: int  # culture traits per municipality
    region: int  # > n * width: the most equal traits in any group
    family: int  # > region * n: the most of both in any group


def sameness(culture: np.ndarray, region: np.ndarray, family: np.ndarray) -> Sameness:
    n, width = culture.shape
    b_region = n * width + 1
    alike = Sameness(np.zeros((n, n), dtype=np.int64), width, b_region, b_region * (n + 1))
    update_sameness(alike, range(n), culture, region, family)
    return alike


def update_sameness(alike: Sameness, changed, culture: np.ndarray, region: np.ndarray, family: np.ndarray) -> None:
    """Recount the pairs of the municipalities ``changed`` (culture or family), in place."""
    for c in changed:
        row = (np.count_nonzero(culture == culture[c], axis=1) + alike.region * (region == region[c])
               + alike.family * (family == family[c]))
        alike.codes[c, :] = row
        alike.codes[:, c] = row


def coded_profile(i: int, members: np.ndarray, alike: Sameness, trust: np.ndarray) -> tuple[float, float, float, float]:
    """``group_profile`` of a non-empty group from the packed pair counts: the same numbers."""
    n = members.size
    # this runs for every option: the integer codes add up exactly as Python ints (faster than
    # numpy's reduction for small groups); trust with np.add.reduce, what .sum() calls
    same_family, rest = divmod(sum(alike.codes[i].take(members).tolist()), alike.family)
    same_region, equal_traits = divmod(rest, alike.region)
    return (equal_traits / (n * alike.width), same_region / n, float(np.add.reduce(trust[i].take(members)) / n),
            same_family / n)


def update_trust(trust: np.ndarray, baseline: np.ndarray, groups: list[np.ndarray], p: Parameters) -> None:
    """Trust grows between co-members (``groups``: the member indices of each collaboration) and
    decays towards its baseline when apart (in place)."""
    blocks = [(members[:, None], members) for members in groups]  # = np.ix_(members, members), cheaper
    before = [trust[block] for block in blocks]  # co-members' trust before the decay below
    trust += p.trust_decay * (baseline - trust)  # all pairs decay, ...
    for block, t in zip(blocks, before, strict=True):  # ... except co-members, who grow instead
        trust[block] = np.where(t < 1.0, t + p.trust_gain * (1.0 - t), t)


def erode_trust(trust: np.ndarray, groups: list[np.ndarray], conflicts: np.ndarray, p: Parameters) -> None:
    """Trust erodes as well as grows (Berg's 'lack of trust', 000 L527): each conflict a member
    had this year costs the trust between it and each co-member ``trust_erosion`` of what it was,
    both ways (``conflicts``: per municipality; in place)."""
    if p.trust_erosion <= 0:
        return
    kept = 1.0 - p.trust_erosion
    for members in groups:
        c = conflicts[members]
        if members.size < 2 or not c.any():
            continue
        block = np.ix_(members, members)
        trust[block] *= kept ** (c[:, None] + c[None, :])


def cost_dispute(cost_share: float, population_share: float, outcome: float, alone_outcome: float,
                 p: Parameters) -> bool:
    """A dispute over costs: the member pays more than ``dispute_margin`` above its population
    share, or is worse off than standing alone (heterogeneity in size and power; economy and
    costs, 000 L515, L519)."""
    return cost_share > (1.0 + p.dispute_margin) * population_share or outcome < alone_outcome


def failed_project(output: float, capacity: float, delay: float, p: Parameters) -> bool:
    """A failed or late project: development output short of what the pooled capacity promised
    (onboarding or weak leadership crowd it out, 002 L37-47), or a long joint-process delay."""
    return output < p.project_shortfall * capacity or delay > p.late_delay


def standard_imposed(misfit_before: float, misfit_after: float) -> bool:
    """A standard imposed against the member: the common standard moved away from what it wants."""
    return misfit_after > misfit_before + 1e-12


def commitment(leadership: float, p: Parameters) -> float:
    """Members' commitment to continue: stable, catalytic leadership creates joint ownership
    (001 L1200-1208); weak change leadership is a reason to leave (000 L529)."""
    return p.leadership_commitment * (leadership - p.neutral_leadership)


def converge(culture: np.ndarray, groups: list[np.ndarray], rng: np.random.Generator, p: Parameters) -> None:
    """Axelrod convergence: a member may copy one differing trait from a random co-member,
    with probability rising with their similarity (in place)."""
    if p.convergence_rate <= 0:
        return
    rows = culture.tolist()  # plain lists: a handful of traits compare faster than small arrays
    width = culture.shape[1]
    for members in groups:
        if members.size < 2:
            continue
        draws = rng.random(members.size).tolist()
        partners = members[rng.integers(0, members.size, members.size)].tolist()
        for i, j, u in zip(members.tolist(), partners, draws, strict=True):
            if i == j:
                continue
            mine, theirs = rows[i], rows[j]
            differing = [f for f in range(width) if mine[f] != theirs[f]]
            equal = width - len(differing)
            if u < p.convergence_rate * (0.5 + equal / width) and differing:  # similarity: equal / width
                f = differing[rng.integers(len(differing))]
                mine[f] = culture[i, f] = theirs[f]
