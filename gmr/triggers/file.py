"""The file trigger: a watcher thread polls a file for changes.

A change of mtime, size or inode is a request; a missing file is waited
for (its creation is a request); delete and re-create keeps working; no
error stops the watcher.
"""

import logging
import os
from typing import Callable, Optional

from gmr import _compat
from gmr import sinks

LOG = logging.getLogger(__name__)


def ensure_trigger_file(path: str) -> None:
    """Create the trigger file with mode 0600 if it does not exist."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    os.close(fd)


def signature(path: str) -> Optional[tuple]:
    """(mtime_ns, size, inode) of ``path``, or None when it is missing."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def signature_or_none(path: str) -> Optional[tuple]:
    """:func:`signature`, or None when the file cannot be read at all."""
    try:
        return signature(path)
    except OSError:
        return None


class FileTrigger:
    """Watch ``path`` every ``interval`` seconds from a real OS thread.

    ``requested`` and ``polls`` are written only by the watcher thread.
    """

    def __init__(self, path: str, interval: float,
                 wake: Callable[[], None]) -> None:
        self.path = path
        self.interval = interval
        self.requested = 0
        self.polls = 0
        self._wake = wake
        self._stop = None
        self._thread = None
        self._error = None
        self._baselined = False
        self._last: Optional[tuple] = None

    def start(self) -> None:
        """Start (or, after a fork, restart) the watcher thread.

        A restart keeps the last state seen: a forked child still fires
        for a change made while it had no watcher yet.
        """
        if not self._baselined:
            self.baseline()
        threading = _compat.threading()
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run, args=(self._stop,), daemon=True,
            name='gmr-file-trigger')
        self._thread.start()

    def baseline(self) -> None:
        """Record the file's current state: later changes are requests."""
        self._last = signature_or_none(self.path)
        self._baselined = True

    def stop(self) -> None:
        """Stop the watcher thread and wait for it."""
        if self._stop is not None:
            self._stop.set()
            self._thread.join(5)

    def _run(self, stop) -> None:
        self._poll()
        while not stop.wait(self.interval):
            self._poll()
            self.polls += 1

    def _poll(self) -> None:
        """Fire when the file appeared or changed; never raise."""
        try:
            current = signature(self.path)
        except OSError as exc:
            # Say it once per distinct problem, not once per poll.
            if str(exc) != self._error:
                self._error = str(exc)
                sinks.announce('cannot stat trigger file %s: %s'
                               % (self.path, exc))
            return
        self._error = None
        if current is not None and current != self._last:
            self.requested += 1
            self._wake()
        self._last = current
