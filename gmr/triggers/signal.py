"""The SIGUSR2 trigger: the handler records the request and returns."""

import faulthandler
import signal
from typing import IO, Callable, Optional

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

    def install(self, faulthandler_file: Optional[IO] = None) -> None:
        """Install the handler; then, optionally, faulthandler before it.

        faulthandler is registered after the Python handler with
        ``chain=True``: on delivery it dumps every thread at C level at
        once (no GIL needed, so a thread stuck in C still shows), then
        chains to the Python handler, which requests the full report.
        """
        signal.signal(self.signum, self._handle)
        if faulthandler_file is not None:
            faulthandler.register(self.signum, file=faulthandler_file,
                                  all_threads=True, chain=True)

    def uninstall(self) -> None:
        """Restore the default disposition (tests, stop())."""
        faulthandler.unregister(self.signum)
        signal.signal(self.signum, signal.SIG_DFL)
