"""Progress of a long command on stderr, suited to where stderr goes.

On a terminal: tqdm's bar. Anywhere else (a log file, CI, a pipe): a plain line every
``PLAIN_EVERY`` seconds and one at the end, without the carriage returns a bar would write into
the log. Quiet: nothing.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from typing import IO, Any, TypeVar

PLAIN_EVERY = 30.0  # seconds between plain progress lines: a few lines per long sweep, not one per run

T = TypeVar("T")


class Progress:
    """``update(n)`` as work finishes, ``close()`` at the end (or use it as a context manager)."""

    def __init__(self, total: int, desc: str, unit: str = "run", initial: int = 0, enabled: bool = True,
                 stream: IO[str] | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.total, self.desc, self.unit, self.done = total, desc, unit, initial
        self.enabled = enabled
        self._bar: Any = None
        self._started = self._last = time.monotonic()
        self._shown = initial
        if enabled and _is_terminal(self.stream):
            from tqdm import tqdm

            self._bar = tqdm(total=total, initial=initial, unit=unit, desc=desc, file=self.stream,
                             dynamic_ncols=True, smoothing=0.1, leave=False)

    def update(self, n: int = 1) -> None:
        self.done += n
        if self._bar is not None:
            self._bar.update(n)
        elif self.enabled and time.monotonic() - self._last >= PLAIN_EVERY:
            self._line()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
        elif self.enabled and self.done != self._shown:
            self._line()

    def wrap(self, items: Iterable[T]) -> Iterator[T]:
        """Yield ``items``, counting each one as done once the caller asks for the next."""
        try:
            for item in items:
                yield item
                self.update()
        finally:
            self.close()

    def _line(self) -> None:
        now = time.monotonic()
        share = f" ({self.done / self.total:.0%})" if self.total else ""
        print(f"{self.desc}: {self.done}/{self.total} {self.unit}s{share}, {now - self._started:.0f} s",
              file=self.stream, flush=True)
        self._last, self._shown = now, self.done

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _is_terminal(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a replaced or closed stream
        return False
