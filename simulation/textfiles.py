"""Reading the TOML files a user names (scenarios, experiments), with one-line errors that say
what is wrong with the path or the text, not the OS's or the parser's words alone.

A UTF-8 byte-order mark (which some Windows editors write) is accepted: TOML forbids it, and
``tomllib`` would report it as an "Invalid statement" at line 1.
"""

from __future__ import annotations

import errno
import os
import tomllib
from pathlib import Path
from typing import Any

from .registry import ScenarioError


def missing_reason(path: Path) -> str:
    """Why ``path`` (which does not exist) cannot be read, ending in a space: "no such ",
    "a symbolic link loop, no ", "a symbolic link to a missing file, no "."""
    if path.is_symlink():
        try:
            os.stat(path)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                return "a symbolic link loop, no "
        return "a symbolic link to a missing file, no "
    return "no such "


def read_text(path: Path, what: str) -> str:
    """The text of ``path`` (UTF-8, a leading byte-order mark dropped), or a one-line ScenarioError."""
    if not path.exists():
        raise ScenarioError(f"{path}: {missing_reason(path)}{what}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ScenarioError(f"{path}: cannot read the {what}: {exc.strerror or exc}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ScenarioError(f"{path}: not a UTF-8 text file") from None


def read_toml(path: Path, what: str) -> dict[str, Any]:
    """``path`` parsed as TOML, or a one-line ScenarioError naming the file."""
    return parse_toml(read_text(path, what), path)


def parse_toml(text: str, path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{path}: not valid TOML: {exc}") from None
