"""A clock for tests: time moves only when told."""


class FakeClock:
    """``clock()`` is the time; ``advance(s)`` moves it forward.

    Storage drivers take a clock, so expiry tests move time instead of
    sleeping.
    """

    def __init__(self, start: float = 1_800_000_000.0):
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        """Move time forward by ``seconds``."""
        self.now += seconds
