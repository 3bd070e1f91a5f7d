"""Frames as plain data, and grouping of identical stacks."""

import linecache
import types
from typing import Iterable, Optional


def frame_data(filename: str, lineno: int, function: str) -> dict:
    """One frame: path, line, function and the source line (or None)."""
    code = linecache.getline(filename, lineno).strip() or None
    return {'path': filename, 'line': lineno, 'function': function,
            'code': code}


def walk_back(frame: Optional[types.FrameType]) -> list[dict]:
    """The stack ending at ``frame``, outermost call first."""
    raw = []
    while frame is not None:
        raw.append((frame.f_code.co_filename, frame.f_lineno,
                    frame.f_code.co_name))
        frame = frame.f_back
    return [frame_data(*item) for item in reversed(raw)]


def group(entries: Iterable[dict], key: str = 'stack') -> list[dict]:
    """Group entries with identical ``key`` stacks, largest group first.

    Each group is ``{'count': n, 'members': [entry minus stack, ...],
    'stack': [...]}``; 200 green threads parked on one line become one
    group of 200 instead of 200 copies of the same stack.
    """
    groups: dict = {}
    for entry in entries:
        stack = entry[key]
        signature = tuple((f['path'], f['line'], f['function'])
                          for f in stack)
        slot = groups.setdefault(signature, {'count': 0, 'members': [],
                                             'stack': stack})
        slot['count'] += 1
        slot['members'].append({k: v for k, v in entry.items() if k != key})
    return sorted(groups.values(), key=lambda g: -g['count'])
