import os

import matplotlib

matplotlib.use("Agg")
os.environ.setdefault("MPLBACKEND", "Agg")

from hypothesis import settings  # noqa: E402

# Property tests draw the same examples on every run (a flaky test is a failing test): derandomized,
# and no example database carried between runs. Tests' own @settings still set their sizes.
settings.register_profile("imcsim", derandomize=True, database=None)
settings.load_profile("imcsim")
