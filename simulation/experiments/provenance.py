"""Where results came from: package versions, a fingerprint of the model's code, timestamps.

Kept in a sweep's manifest; resuming refuses results made by another model version, which would
silently mix two models in one table.
"""

from __future__ import annotations

import functools
import hashlib
import platform
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

PACKAGES = ("imcsim", "mesa", "numpy", "scipy", "pandas", "pyarrow", "SALib", "networkx",
            "scikit-learn", "dask", "distributed")


def package_versions() -> dict[str, str]:
    """Versions of the packages that shape results (a fresh copy of a once-per-process read)."""
    return dict(_package_versions())


@functools.cache
def _package_versions() -> dict[str, str]:
    out = {}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    out["python"] = platform.python_version()
    return out


@functools.cache
def model_fingerprint() -> str:
    """A hash of the model's code and scenario files (the installed package, checkout or wheel alike)."""
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in sorted([*root.rglob("*.py"), *root.rglob("*.toml")]):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
