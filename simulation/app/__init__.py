"""The classroom page of ``imcsim app`` (Solara): path dependency for a projector.

- :mod:`.page` the page itself (``solara run simulation.app.page``);
- :mod:`.history` one run recorded year by year, and rewind-and-replay branches;
- :mod:`.ensemble` many seeds of the same settings and the distribution of their outcomes;
- :mod:`.controls` sliders grouped by perspective (bounds and units from the registry), presets;
- :mod:`.drawing` and :mod:`.svg` the charts, drawn as SVG text (fast, sharp on a projector);
- :mod:`.story` the words: increasing returns, lock-in, critical junctures, each scenario's story.

Only :mod:`.page` needs Solara; the rest is plain Python and tested without a browser.
"""
