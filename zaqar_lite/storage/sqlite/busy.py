"""Waiting out the SQLITE_BUSY that SQLite answers without waiting.

The busy handler (``busy_timeout``) covers ordinary lock waits, but in WAL
mode some short transient states answer SQLITE_BUSY at once: a connection
recovering the WAL after a crash, or the last connection of a file
checkpointing and removing the WAL as it closes. Processes that start or
stop together on one file meet them, so they are retried here, until the
busy timeout, before the store is declared unavailable.
"""

import sqlite3
import time
from typing import Callable, TypeVar

T = TypeVar('T')

_BUSY = (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)

#: Longest pause between two attempts (seconds); the first is 1 ms.
MAX_PAUSE = 0.05


def is_busy(exc: sqlite3.Error) -> bool:
    """Whether ``exc`` is SQLITE_BUSY or SQLITE_LOCKED (any sub-code)."""
    return getattr(exc, 'sqlite_errorcode', 0) & 0xff in _BUSY


def retry(action: Callable[[], T], timeout: float) -> T:
    """``action()``, tried again while it fails busy, for ``timeout``
    seconds in all; the last error is raised."""
    deadline = time.monotonic() + timeout
    pause = 0.001
    while True:
        try:
            return action()
        except sqlite3.OperationalError as exc:
            if not is_busy(exc) or time.monotonic() + pause > deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, MAX_PAUSE)
