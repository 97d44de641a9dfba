"""Checks the command line applies to every command before any handler runs, and the one-line
errors it prints: argparse's own errors, bounds of every numeric option, paths and OS errors.

Every ``int`` or ``float`` option of every command has a stated range here (``BOUNDS``); NaN and
infinity are refused everywhere. A command added without bounds for its numbers fails
tests/test_robustness.py, so the table stays complete.
"""

from __future__ import annotations

import argparse
import errno
import math
import os
from pathlib import Path

from .registry import MAX_TICKS

MAX_SEED = 2**63 - 1  # as generator.seed: numpy's SeedSequence takes any non-negative integer; 63 bits fit int64 columns
MAX_REPLICATIONS = 100_000  # seeds per design point or governance model: beyond any interval's need
# --force-workers lifts the core count, not this: every worker process holds pipes, and Linux's
# default soft limit of open files per process is 1024 (ulimit -n)
MAX_FORCED_WORKERS = 1024
# Linux PATH_MAX and NAME_MAX (limits.h): longer paths fail with ENAMETOOLONG anyway
PATH_MAX, NAME_MAX = 4096, 255
MESSAGE_MAX = 400  # characters of one error line at most: a long path is cut in the middle


def cores() -> int:
    return os.cpu_count() or 1


# dest (or "command.dest" for one command's own) -> (low, high); None: the number of cores
BOUNDS: dict[str, tuple[float, float | None]] = {
    "seed": (0, MAX_SEED),
    "first_seed": (0, MAX_SEED - MAX_REPLICATIONS),
    "ticks": (1, MAX_TICKS),
    "workers": (1, None),
    "max_runs": (1, MAX_SEED),
    "replications": (1, MAX_REPLICATIONS),
    "compare.replications": (2, MAX_REPLICATIONS),  # a confidence interval needs two
    "seeds": (2, MAX_REPLICATIONS),  # effects: paired seeds, for an interval
    "top": (1, 1000),
    "max_depth": (1, 20),  # a decision tree deeper than 20 has more leaves (2^20) than any sweep has runs
    "collapse_below": (0.0, 1.0),  # shares
    "dominant_above": (0.0, 1.0),
    "port": (0, 65535),
    "prim_threshold": (0.0, 1.0),  # a density; analyze refuses 0 itself
    "noise_seeds": (0, MAX_REPLICATIONS),  # analyze refuses 1 itself
    # --posterior: draws (replications) and one draw's number
    "draws": (1, MAX_REPLICATIONS),
    "draw": (1, MAX_REPLICATIONS),
    # calibrate (ABC-SMC): a population needs two particles; alpha is a quantile
    "particles": (2, MAX_REPLICATIONS),
    "generations": (1, 1000),
    "seeds_per_particle": (1, 1000),
    "alpha": (0.01, 1.0),
    "min_epsilon": (0.0, 1e9),
    "heldout_replications": (2, MAX_REPLICATIONS),
}


class HouseParser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line naming the option, exit code 2 (house style),
    instead of argparse's usage block."""

    def error(self, message: str):  # noqa: D102 - argparse's hook
        self.exit(2, f"imcsim: error: {one_line(message)} (see {self.prog} --help)\n")


def option_name(action: argparse.Action) -> str:
    longs = [o for o in action.option_strings if o.startswith("--")]
    return longs[0] if longs else (action.option_strings[0] if action.option_strings else action.dest)


def bounds_of(command: str, dest: str, args: argparse.Namespace) -> tuple[float, float] | None:
    found = BOUNDS.get(f"{command}.{dest}", BOUNDS.get(dest))
    if found is None:
        return None
    low, high = found
    if dest == "workers":
        high = MAX_FORCED_WORKERS if getattr(args, "force_workers", False) else cores()
    return low, high


def numeric_actions(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    return [a for a in parser._actions if a.type in (int, float)]


def check_numbers(parser: argparse.ArgumentParser, command: str, args: argparse.Namespace) -> None:
    """Every int and float option of ``command``: finite and within its bounds (ValueError)."""
    for action in numeric_actions(parser):
        value = getattr(args, action.dest, None)
        if value is None:
            continue
        name = option_name(action)
        if not math.isfinite(value):
            raise ValueError(f"{name}: expected a finite number, got {value}")
        found = bounds_of(command, action.dest, args)
        if found is None:
            continue
        low, high = found
        if not low <= value <= high:
            kind = "an integer" if action.type is int else "a number"
            hint = ""
            if action.dest == "workers" and value > high and not getattr(args, "force_workers", False):
                hint = f" (the cores of this machine; add --force-workers to use more, at most {MAX_FORCED_WORKERS})"
            raise ValueError(f"{name}: expected {kind} in [{_num(low)}, {_num(high)}]{hint}, got {_num(value)}")


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() and abs(x) < 2**64 else f"{x:g}"


PATH_DESTS = ("out", "results", "experiment", "scenario", "regions")


def check_paths(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Path arguments no file system could hold are refused by name, before anything is opened."""
    names = {a.dest: option_name(a) for a in parser._actions}
    for dest in PATH_DESTS:
        values = getattr(args, dest, None)
        for value in values if isinstance(values, list) else [values]:
            if value is None:
                continue
            text = str(value)
            longest = max((len(part.encode()) for part in Path(text).parts), default=0)
            if len(text.encode()) > PATH_MAX or longest > NAME_MAX:
                raise ValueError(f"{names.get(dest, dest)} {shorten(text)}: path too long ({len(text)} characters; "
                                 f"at most {PATH_MAX}, and {NAME_MAX} bytes per name)")
            if "\0" in text:
                raise ValueError(f"{names.get(dest, dest)} {shorten(text)}: a path cannot hold a NUL character")
    out = getattr(args, "out", None)
    if out is not None:
        check_writable(Path(out))


def check_writable(out: Path) -> None:
    """``--out`` could be made: its nearest existing ancestor is a folder this user may write in.
    (Checked first: a command may run for minutes before it writes.)"""
    ancestor = out
    while not ancestor.exists() and not ancestor.is_symlink() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if ancestor == out and out.is_dir():
        return
    if not ancestor.is_dir():
        problem = "a part of the path is a file, not a folder" if ancestor != out else "exists and is not a folder"
        if ancestor.is_symlink() and not ancestor.exists():
            problem = "a part of the path is a broken symbolic link or a link loop"
        raise ValueError(f"--out {shorten(str(out))}: {problem}")
    if not os.access(ancestor, os.W_OK | os.X_OK):
        raise ValueError(f"--out {shorten(str(out))}: permission denied (cannot create folders in {shorten(str(ancestor))})")


def shorten(text: str, width: int = 80) -> str:
    """``text`` cut in the middle to ``width`` characters (long paths in messages)."""
    if len(text) <= width:
        return text
    head = (width - 3) // 2
    return f"{text[:head]}...{text[-(width - 3 - head):]}"


def one_line(message: str) -> str:
    """A message as one line of at most MESSAGE_MAX characters."""
    return shorten(" ".join(str(message).split()), MESSAGE_MAX)


_ADVICE = {  # what the OS's words leave to guess
    errno.ENOTDIR: "a part of the path is a file, not a folder",
    errno.ELOOP: "a symbolic link loop",
    errno.ENAMETOOLONG: f"at most {PATH_MAX} characters, and {NAME_MAX} bytes per name",
}


def os_error_message(exc: OSError, parser: argparse.ArgumentParser, args: argparse.Namespace) -> str:
    """An OSError as one line naming the option whose path it concerns, and the path (shortened)."""
    path = exc.filename
    reason = exc.strerror or str(exc)
    if exc.errno in _ADVICE:
        reason = f"{reason} ({_ADVICE[exc.errno]})"
    if path is None:
        return reason
    path = os.fsdecode(path)
    option = _option_for(path, parser, args)
    return f"{option + ' ' if option else ''}{shorten(path)}: {reason}"


def _option_for(path: str, parser: argparse.ArgumentParser, args: argparse.Namespace) -> str | None:
    """The option whose value ``path`` is or lies inside."""
    for action in parser._actions:
        values = getattr(args, action.dest, None)
        for value in values if isinstance(values, list) else [values]:
            if isinstance(value, str | Path) and str(value):
                text = str(value)
                if path == text or path.startswith(text.rstrip("/") + "/") or path.endswith(text):
                    return option_name(action)
    return None


def add_guards(parser: argparse.ArgumentParser) -> None:
    """Options the checks need on every command they apply to: --force-workers beside --workers."""
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for command in sub.choices.values():
        if any(a.dest == "workers" for a in command._actions):
            command.add_argument("--force-workers", action="store_true",
                                 help=f"allow more --workers than this machine's cores ({cores()}), "
                                      f"at most {MAX_FORCED_WORKERS}")


def chosen_parser(parser: argparse.ArgumentParser, command: str | None) -> argparse.ArgumentParser:
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return sub.choices.get(command, parser) if command else parser


def apply(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """The checks every command gets after parsing (raise ValueError with a one-line message)."""
    command = getattr(args, "command", None)
    sub = chosen_parser(parser, command)
    check_numbers(sub, command or "", args)
    check_paths(sub, args)
