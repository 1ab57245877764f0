"""Admin login back-off (issue 14.6)."""

from webui.login import LoginGuard


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_wrong_passwords_slow_down_then_lock_out_and_waiting_reopens():
    clock = Clock()
    guard = LoginGuard("bi-mat", free_attempts=5, base_delay_s=2, max_delay_s=60, clock=clock)
    for _ in range(5):
        assert guard.attempt("1.2.3.4", "sai") == (False, "Sai mật khẩu.")
    ok, message = guard.attempt("1.2.3.4", "sai")      # the sixth is looked at ...
    assert not ok
    ok, message = guard.attempt("1.2.3.4", "bi-mat")   # ... but the next must wait, even if right
    assert not ok and "thử lại sau" in message
    answered = sum(guard.attempt("1.2.3.4", "sai")[1] == "Sai mật khẩu." for _ in range(100))
    assert answered == 0, "a burst of guesses is not even checked"
    assert guard.attempt("5.6.7.8", "bi-mat") == (True, ""), "another client is not locked out"
    clock.now += 61
    assert guard.attempt("1.2.3.4", "bi-mat") == (True, "")
    assert guard.wait_s("1.2.3.4") == 0


def test_delay_doubles_and_is_capped():
    clock = Clock()
    guard = LoginGuard("x", free_attempts=1, base_delay_s=2, max_delay_s=10, clock=clock)
    waits = []
    for _ in range(5):
        clock.now += 1000
        guard.attempt("c", "sai")
        waits.append(round(guard.wait_s("c")))
    assert waits == [2, 4, 8, 10, 10]
