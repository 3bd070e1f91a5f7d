"""The SIGUSR2 trigger: the handler records the request and returns."""

import faulthandler
import signal
from typing import IO, Callable

SIGNUM = signal.SIGUSR2


class SignalTrigger:
    """Count SIGUSR2 deliveries and wake the builder; nothing more.

    ``requested`` is written only by the handler (always on the main
    thread), so it needs no lock, and a handler must never take one.
    """

    def __init__(self, wake: Callable[[], None],
                 signum: int = SIGNUM) -> None:
        self.requested = 0
        self.signum = signum
        self._wake = wake

    def _handle(self, signum, frame) -> None:
        """Record one request; ``wake`` is a non-blocking pipe write."""
        self.requested += 1
        self._wake()

    def install(self) -> None:
        """Install the Python handler (on the main thread only)."""
        signal.signal(self.signum, self._handle)

    def add_faulthandler(self, stream: IO) -> None:
        """Dump every thread to ``stream`` at C level on each delivery.

        Registered after the Python handler, with ``chain=True``: on
        delivery faulthandler dumps at once (no GIL needed, so a thread
        stuck in C still shows), then chains to the Python handler, which
        requests the full report.
        """
        faulthandler.register(self.signum, file=stream, all_threads=True,
                              chain=True)

    def uninstall(self) -> None:
        """Restore the default disposition (tests, stop())."""
        faulthandler.unregister(self.signum)
        signal.signal(self.signum, signal.SIG_DFL)
