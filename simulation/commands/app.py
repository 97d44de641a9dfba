"""imcsim app: the classroom page (Solara, simulation.app.page) in the browser, at a printed local address."""

from __future__ import annotations

import argparse
import importlib.util
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

from ..scenario import load_scenario, resolve_path
from .options import add_quiet

DEFAULT_PORT = 8765


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "app", help="classroom page in the browser: one history, many histories, rewind and replay",
        description="Start the classroom page (Solara) for a scenario and print its local address. Step, Play "
                    "and Reset a run: the region as a map coloured by collaboration and membership by year; "
                    "run many seeds of the same settings and watch the distribution of outcomes build up; "
                    "rewind to a year and replay it with another seed, both histories side by side; read why "
                    "(increasing returns, lock-in, critical junctures). Sliders grouped by perspective and "
                    "presets apply on Reset. Each browser gets its own runs. Stop it with Ctrl+C.",
        epilog="example: imcsim app two_hubs --port 8765   then open http://localhost:8765/",
    )
    p.add_argument("scenario", nargs="?", default="two_hubs",
                   help="scenario name (see 'imcsim scenarios') or path to a TOML file [two_hubs]")
    p.add_argument("--port", type=int, default=DEFAULT_PORT,
                   help=f"port to listen on; 0 picks a free one [{DEFAULT_PORT}]")
    p.add_argument("--host", default="localhost", help="host to listen on [localhost]")
    p.add_argument("--open", action="store_true", help="also open the page in the default browser")
    add_quiet(p, "notes (the address is still printed)")
    p.set_defaults(handler=handle)


def free_port(host: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def check_port(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as exc:
            raise ValueError(f"--port {port}: cannot listen on {host}:{port} ({exc.strerror}); "
                             "try another port or --port 0") from None


def command(scenario: str, host: str, port: int, open_browser: bool = False) -> list[str]:
    """The ``solara run`` command line for the page (production mode: no auto-reload)."""
    return [sys.executable, "-m", "solara", "run", "simulation.app.page", "--host", host, "--port", str(port),
            "--production", "--open" if open_browser else "--no-open", "--log-level", "warning"]


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def handle(args: argparse.Namespace) -> int:
    if not 0 <= args.port <= 65535:
        raise ValueError(f"--port: expected 0-65535, got {args.port}")
    if importlib.util.find_spec("solara") is None:
        raise ValueError("the app needs Solara: pip install 'imcsim[app]' (in a checkout: pip install -e '.[app]')")
    path = resolve_path(args.scenario)
    scenario = load_scenario(path)  # fail here, with a one-line error, not in the browser
    port = free_port(args.host) if args.port == 0 else args.port
    check_port(args.host, port)
    env = dict(os.environ, IMCSIM_APP_SCENARIO=str(path.resolve()))
    env.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")  # no usage reports from a classroom
    env.setdefault("SOLARA_THEME_SHOW_BANNER", "False")  # no "This website runs on Solara" over the charts
    if not args.quiet and not (Path(sys.prefix) / "share" / "solara" / "cdn" / "requirejs@2.3.6").exists():
        print("imcsim app: note: Solara's browser assets are not cached locally; without access to its CDN "
              "the page stays blank: run scripts/install_app_assets.sh once", file=sys.stderr)
    url = f"http://{args.host}:{port}/"
    print(f"imcsim app: {scenario.name} ({len(scenario.municipalities)} municipalities) at {url}  "
          "(Ctrl+C to stop)", flush=True)
    proc = subprocess.Popen(command(str(path), args.host, port, args.open), env=env)
    signal.signal(signal.SIGTERM, _interrupt)  # stop the server too when we are terminated
    try:
        return proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        print("imcsim app: stopped", file=sys.stderr)
        return 0
