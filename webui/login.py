"""Admin login with back-off: guessing the password gets slower with every wrong try."""

from __future__ import annotations

import hmac
import threading
import time
from collections.abc import Callable


class LoginGuard:
    """Checks the admin password, per client (its address).

    The first `free_attempts` wrong passwords cost nothing; after that each attempt must
    wait `base_delay_s * 2**(failures - free_attempts)` seconds (at most `max_delay_s`)
    after the previous failure, and an attempt made too early is refused without looking
    at the password, so waiting is the only way on. A right password clears the count.
    """

    def __init__(self, password: str, free_attempts: int = 5, base_delay_s: float = 2.0,
                 max_delay_s: float = 900.0, clock: Callable[[], float] = time.monotonic):
        self._password = password.encode()
        self.free_attempts = free_attempts
        self.base_delay_s = base_delay_s
        self.max_delay_s = max_delay_s
        self._clock = clock
        self._failures: dict[str, tuple[int, float]] = {}   # client -> (count, time of last)
        self._lock = threading.Lock()

    def wait_s(self, client: str) -> float:
        """Seconds the client must still wait before its next attempt is looked at."""
        count, last = self._failures.get(client, (0, 0.0))
        if count < self.free_attempts:
            return 0.0
        delay = min(self.max_delay_s, self.base_delay_s * 2 ** (count - self.free_attempts))
        return max(0.0, last + delay - self._clock())

    def attempt(self, client: str, given: str) -> tuple[bool, str]:
        """(accepted, Vietnamese message for a refusal)."""
        with self._lock:
            wait = self.wait_s(client)
            if wait > 0:
                return False, f"Đã nhập sai quá nhiều lần. Hãy thử lại sau {wait:.0f} giây."
            if self._password and hmac.compare_digest((given or "").encode(), self._password):
                self._failures.pop(client, None)
                return True, ""
            count = self._failures.get(client, (0, 0.0))[0] + 1
            self._failures[client] = (count, self._clock())
            if len(self._failures) > 10_000:   # bounded memory under a flood of addresses
                self._failures.pop(next(iter(self._failures)))
            return False, "Sai mật khẩu."
