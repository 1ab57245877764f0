"""Progress of long CLI steps, on a terminal and in logs alike.

On a terminal it is a tqdm bar. When stderr is a file or a pipe (cron, CI, `nohup`),
tqdm would print nothing, so a line with the count, rate and time left is written every
`interval_s` seconds instead: a long ingest never looks hung.
"""

from __future__ import annotations

import sys
import time


class Progress:
    def __init__(self, description: str, unit: str, interval_s: float = 10.0, stream=None):
        self.description = description
        self.unit = unit
        self.interval_s = interval_s
        self.stream = stream or sys.stderr
        self._bar = None
        self._started = self._last_line = time.monotonic()
        self._done = self._total = 0

    def __enter__(self) -> Progress:
        if self.stream.isatty():
            from tqdm import tqdm
            self._bar = tqdm(total=0, desc=self.description, unit=self.unit, file=self.stream)
        return self

    def __call__(self, done: int, total: int) -> None:
        self._done, self._total = done, total
        if self._bar is not None:
            self._bar.total, self._bar.n = total, done
            self._bar.refresh()
            return
        now = time.monotonic()
        if now - self._last_line >= self.interval_s:
            self._last_line = now
            print(self.line(now), file=self.stream, flush=True)

    def line(self, now: float | None = None) -> str:
        elapsed = (now or time.monotonic()) - self._started
        text = f"{self.description}: {self._done}/{self._total} {self.unit}"
        if self._total and self._done:
            text += f" ({100 * self._done / self._total:.0f}%)"
            left = elapsed * (self._total - self._done) / self._done
            text += f", còn khoảng {_duration(left)}"
        return text

    def __exit__(self, *exc) -> None:
        if self._bar is not None:
            self._bar.close()
        elif self._total and time.monotonic() - self._started >= self.interval_s:
            print(self.line(), file=self.stream, flush=True)


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} giây"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} phút {seconds} giây"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} giờ {minutes} phút"
