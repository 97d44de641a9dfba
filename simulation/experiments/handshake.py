"""Is there a Dask scheduler at ``--scheduler ADDRESS``? Asked before a Dask client is made.

Dask's client trusts its peer: pointed at an HTTP server it waits for a greeting that never comes
(for longer than its own timeout), and pointed at a service that sends other bytes it reads the
first eight as a frame length and tries to allocate exabytes. A Dask scheduler greets every new
connection at once with its handshake (distributed/comm/core.py, ``on_connection``): an 8-byte
little-endian length, then msgpack frames naming ``compression`` and ``python``. This module
reads that greeting itself, within a deadline, and says in one line what it found instead.
"""

from __future__ import annotations

import socket
import struct
import time

HANDSHAKE_SECONDS = 5.0  # a scheduler greets within milliseconds; this allows for a slow network
GREETING_MAX = 64 * 1024  # bytes: Dask's handshake is about 60; anything far larger is not one
DEFAULT_PORT = 8786  # Dask's scheduler port


class NotAScheduler(ValueError):
    """The address answers, or not, but not as a Dask scheduler (one-line message)."""


def host_port(address: str) -> tuple[str, int] | None:
    """(host, port) of a ``tcp://HOST:PORT`` or ``HOST:PORT`` address; None for other protocols."""
    scheme, sep, rest = address.partition("://")
    if not sep:
        scheme, rest = "tcp", address
    if scheme != "tcp":
        return None
    host, colon, port = rest.rpartition(":")
    if not colon or host.endswith(":"):  # no port given (or a bare IPv6 address)
        host, port = rest, str(DEFAULT_PORT)
    host = host.strip("[]")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise NotAScheduler(f"--scheduler {address}: expected tcp://HOST:PORT (PORT 1-65535)")
    return host, int(port)


def check_scheduler(address: str, timeout: float | None = None) -> None:
    """Return if a Dask scheduler greets us at ``address`` within ``timeout`` seconds; raise
    :class:`NotAScheduler` otherwise. Addresses of other protocols (tls://, ws://) are left to Dask."""
    where = host_port(address)
    if where is None:
        return
    timeout = HANDSHAKE_SECONDS if timeout is None else timeout
    deadline = time.monotonic() + timeout
    try:
        with socket.create_connection(where, timeout=timeout) as conn:
            head = _read(conn, 8, deadline)
            (size,) = struct.unpack("<Q", head)
            if not 0 < size <= GREETING_MAX:
                raise NotAScheduler(f"--scheduler {address}: not a Dask scheduler (it answered with bytes "
                                    "that are no Dask handshake)")
            greeting = _read(conn, size, deadline)
    except NotAScheduler:
        raise
    except TimeoutError:
        raise NotAScheduler(f"--scheduler {address}: not a Dask scheduler (no Dask handshake within "
                            f"{timeout:g} s; is it a web page or another service?)") from None
    except ConnectionError as exc:
        if isinstance(exc, ConnectionRefusedError):
            raise NotAScheduler(f"--scheduler {address}: cannot reach a Dask scheduler (connection refused: "
                                "nothing listens there)") from None
        raise NotAScheduler(f"--scheduler {address}: not a Dask scheduler (it closed the connection "
                            "without a Dask handshake)") from None
    except OSError as exc:
        raise NotAScheduler(f"--scheduler {address}: cannot reach a Dask scheduler ({exc.strerror or exc})") from None
    if b"compression" not in greeting or b"python" not in greeting:
        raise NotAScheduler(f"--scheduler {address}: not a Dask scheduler (its greeting is no Dask handshake)")


def _read(conn: socket.socket, n: int, deadline: float) -> bytes:
    data = b""
    while len(data) < n:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError
        conn.settimeout(remaining)
        chunk = conn.recv(n - len(data))
        if not chunk:
            raise ConnectionResetError
        data += chunk
    return data
