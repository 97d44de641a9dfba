"""The ``imcsim`` command line: argument parsing and printing only; no model logic.

Building the parser imports only the command modules, which import nothing heavy at module
level (Mesa, pandas, SciPy and Matplotlib load inside the handlers), so ``--help``, ``--version``,
``scenarios`` and ``params`` start quickly (benchmarks/bench_cli_start.py).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from . import cli_checks
from .commands import MODULES
from .scenario import ScenarioError
from .suggest import did_you_mean


class _Version(argparse.Action):
    """``--version``, reading the installed version only when asked (argparse's action needs it up front)."""

    def __call__(self, parser, namespace, values, option_string=None):
        from . import __version__

        print(f"imcsim {__version__}")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = cli_checks.HouseParser(
        prog="imcsim",
        description="imcsim: agent-based simulation of inter-municipal ICT collaboration. Municipalities "
                    "join, coordinate within, buy around or leave ICT collaborations under instrumental, "
                    "cultural and myth-driven rules.",
        epilog="Start with: imcsim run hedmark --seed 1   (see imcsim COMMAND --help). Every command that "
               "writes files takes --out DIR (refused if DIR holds files, unless --force) and --quiet/-q.",
    )
    parser.add_argument("--version", action=_Version, nargs=0, help="show the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in MODULES:
        importlib.import_module(f".commands.{name}", __package__).register(sub)
    cli_checks.add_guards(parser)
    return parser


def _unknown_command(parser: argparse.ArgumentParser, argv: list[str]) -> str | None:
    """The error for a first word that is no command (argparse's own lists them all, unhelpfully)."""
    if not argv or argv[0].startswith("-"):
        return None
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices
    if argv[0] in commands:
        return None
    return f"unknown command {argv[0]!r}{did_you_mean(argv[0], commands)}; see imcsim --help"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser()
    unknown = _unknown_command(parser, argv)
    if unknown:
        print(f"imcsim: error: {unknown}", file=sys.stderr)
        return 2
    args, extra = parser.parse_known_args(argv)  # --help, --version and usage errors exit here (SystemExit)
    if extra:  # named by the command's own parser, so the line points at its --help
        cli_checks.chosen_parser(parser, args.command).error(f"unrecognized arguments: {' '.join(extra)}")
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        cli_checks.apply(parser, args)
        return int(args.handler(args) or 0)
    except BrokenPipeError:
        # the reader of the output went away (``imcsim params | head``): not an error to report.
        # Point stdout at devnull so the final flush does not fail again (Python docs, "Note on SIGPIPE").
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141  # 128 + SIGPIPE, what a shell reports for a command its reader cut short
    except OSError as exc:  # unreadable or unwritable paths: name the option and the path
        message = cli_checks.os_error_message(exc, cli_checks.chosen_parser(parser, args.command), args)
        print(f"imcsim: error: {cli_checks.one_line(message)}", file=sys.stderr)
        return 2
    except (ScenarioError, ValueError) as exc:
        print(f"imcsim: error: {cli_checks.one_line(str(exc))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM during a sweep (experiments.workers.Terminated)
        signum = getattr(exc, "signum", 2)
        print("imcsim: terminated" if signum != 2 else "imcsim: interrupted", file=sys.stderr)
        return 128 + signum


if __name__ == "__main__":
    sys.exit(main())
