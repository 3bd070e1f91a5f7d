"""Threads section: every OS thread with its name, ids and stack."""

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


def collect() -> list[dict]:
    """One entry per OS thread: name, ident, native id, daemon, stack."""
    known = _known_threads()
    result = []
    for ident, frame in sorted(sys._current_frames().items()):
        thread = known.get(ident)
        result.append({
            'name': getattr(thread, 'name', None),
            'ident': ident,
            'native_id': getattr(thread, 'native_id', None),
            'daemon': getattr(thread, 'daemon', None),
            'stack': stacks.walk_back(frame),
        })
    return result
