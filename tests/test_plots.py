"""The region map (``plots.network``): collaborations told apart by colour on a national map."""

from types import SimpleNamespace

import matplotlib
import numpy as np

matplotlib.use("Agg")

from simulation import plots  # noqa: E402
from simulation.model import CollaborationModel  # noqa: E402


def chain(order, per: int = 2):
    """A path of municipalities, ``per`` in each collaboration of ``order`` (numbers) in turn, then
    one outside: each collaboration touches the next along the path."""
    municipalities = [SimpleNamespace(collaboration=SimpleNamespace(name=f"K{k:02d}"))
                      for k in order for _ in range(per)]
    municipalities.append(SimpleNamespace(collaboration=None))
    edges = [(i, i + 1) for i in range(len(municipalities) - 1)]
    return SimpleNamespace(municipalities=municipalities, graph=SimpleNamespace(edges=edges))


def test_few_collaborations_get_distinct_colours_strong_ones_first():
    colours = plots.collaboration_colours(chain(range(12)))
    assert list(colours) == sorted(colours) and len(set(colours.values())) == 12
    assert list(colours.values())[:10] == list(range(0, 20, 2))  # tab20's strong colours before their light pairs


def test_many_collaborations_touching_ones_differ():
    """40 collaborations, more than tab20's colours, K00 next to K20, K01 next to K21 and so on (a
    palette handed out in name order would colour each pair alike): touching ones still differ."""
    model = chain([k + half for k in range(20) for half in (0, 20)])
    colours = plots.collaboration_colours(model)
    assert len(colours) == 40 and set(colours.values()) <= set(range(20))
    of = [mm.collaboration.name if mm.collaboration else None for mm in model.municipalities]
    touching = {(of[i], of[j]) for i, j in model.graph.edges if of[i] and of[j] and of[i] != of[j]}
    assert len(touching) == 39
    assert all(colours[a] != colours[b] for a, b in touching)


def test_map_keeps_the_region_shape():
    """Longitude and latitude (hedmark) are drawn in proportion, as on the classroom page; a unit
    square (synthetic_small) is drawn as given."""
    for name in ("hedmark", "synthetic_small"):
        model = CollaborationModel(name, seed=1)
        ys = [s.y for s in model.scenario.municipalities]
        squeeze = np.cos(np.radians(np.mean(ys))) if name == "hedmark" else 1.0
        assert model.scenario.east_west_squeeze == squeeze
        ax = plots.network(model).axes[0]
        assert ax.get_aspect() == 1 / squeeze
        matplotlib.pyplot.close("all")
