"""Threads section: every OS thread with its name, ids and stack."""

import os
import sys
import threading

from gmr import _compat
from gmr.collectors import stacks


def _known_threads() -> dict:
    """Thread objects by ident, from the patched and the real threading."""
    known = {}
    for module in (threading, _compat.threading()):
        for thread in list(module._active.values()):
            known.setdefault(thread.ident, thread)
    return known


def _native_id(thread) -> int | None:
    """The kernel's id of ``thread``.

    A process forked by C code (uWSGI's workers) keeps the parent's
    ``native_id`` on its main thread; on Linux the main thread's id is the
    process id, which is always right.
    """
    if thread is threading.main_thread() and sys.platform == 'linux':
        return os.getpid()
    return getattr(thread, 'native_id', None)


def collect() -> list[dict]:
    """One entry per OS thread: name, ident, native id, daemon, stack."""
    known = _known_threads()
    result = []
    for ident, frame in sorted(sys._current_frames().items()):
        thread = known.get(ident)
        result.append({
            'name': getattr(thread, 'name', None),
            'ident': ident,
            'native_id': _native_id(thread),
            'daemon': getattr(thread, 'daemon', None),
            'stack': stacks.walk_back(frame),
        })
    return result
