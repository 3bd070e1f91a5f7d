"""Asking the server for a report: touch its trigger file or signal it."""

import os
import signal

from zaqar_lite.gmrctl.errors import GmrError
from zaqar_lite.gmrctl.plan import Plan


def touch(path: str) -> None:
    """Change the trigger file: create it (mode 0600) or update its mtime.
    """
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
        os.close(fd)
        os.utime(path)
    except OSError as exc:
        raise GmrError('cannot touch the trigger file %s: %s'
                       % (path, exc.strerror))


def send_signal(pid: int) -> None:
    """SIGUSR2 to ``pid``."""
    try:
        os.kill(pid, signal.SIGUSR2)
    except ProcessLookupError:
        raise GmrError('no process with pid %d' % pid)
    except PermissionError:
        raise GmrError('not allowed to signal process %d' % pid)


def trigger(plan: Plan) -> None:
    """Request the report the way the server listens for it."""
    if plan.file_event_handler:
        touch(plan.file_event_handler)
    else:
        send_signal(plan.pid)
