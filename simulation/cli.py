"""The ``imcsim`` command line: argument parsing and printing only; no model logic."""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from . import __version__
from .commands import MODULES
from .scenario import ScenarioError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="imcsim",
        description="imcsim: agent-based simulation of inter-municipal ICT collaboration. Municipalities "
                    "join, coordinate within, buy around or leave ICT collaborations under instrumental, "
                    "cultural and myth-driven rules.",
        epilog="Start with: imcsim run hedmark --seed 1   (see imcsim COMMAND --help)",
    )
    parser.add_argument("--version", action="version", version=f"imcsim {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in MODULES:
        importlib.import_module(f".commands.{name}", __package__).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        return int(args.handler(args) or 0)
    except BrokenPipeError:
        # the reader of the output went away (``imcsim params | head``): not an error to report.
        # Point stdout at devnull so the final flush does not fail again (Python docs, "Note on SIGPIPE").
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141  # 128 + SIGPIPE, what a shell reports for a command its reader cut short
    except (ScenarioError, ValueError, OSError) as exc:  # OSError: unreadable or unwritable paths
        print(f"imcsim: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("imcsim: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
