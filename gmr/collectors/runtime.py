"""Runtime section: run mode, Python, argv, uptime, worker id, triggers."""

import platform
import sys
import time
from typing import Optional

import psutil


def uwsgi_worker_id() -> Optional[int]:
    """The uWSGI worker id of this process, or None outside uWSGI."""
    try:
        import uwsgi
        return int(uwsgi.worker_id())
    except Exception:  # not under uWSGI (ImportError) or no worker yet
        return None


def uptime() -> float:
    """Seconds since this process started."""
    return round(time.time() - psutil.Process().create_time(), 3)


def collect(run_mode: str, triggers: int) -> dict:
    """Facts about the running interpreter and how it was asked to report."""
    return {
        'run_mode': run_mode,
        'python': '%s %s' % (platform.python_implementation(),
                             platform.python_version()),
        'executable': sys.executable,
        'argv': list(sys.argv),
        'uptime_seconds': uptime(),
        'uwsgi_worker_id': uwsgi_worker_id(),
        'triggers_received': triggers,
    }
