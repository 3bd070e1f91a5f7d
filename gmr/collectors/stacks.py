"""Frames as plain data, and grouping of identical stacks."""

import linecache
import types
from typing import Iterable, Optional


def frame_data(filename: str, lineno: int, function: str) -> dict:
    """One frame: path, line, function and the source line (or None)."""
    code = linecache.getline(filename, lineno).strip() or None
    return {'path': filename, 'line': lineno, 'function': function,
            'code': code}


def raw_stack(frame: Optional[types.FrameType]) -> tuple:
    """``(path, line, function)`` of each frame ending at ``frame``,
    outermost call first; cheap (no source lines read)."""
    raw = []
    while frame is not None:
        raw.append((frame.f_code.co_filename, frame.f_lineno,
                    frame.f_code.co_name))
        frame = frame.f_back
    return tuple(reversed(raw))


def resolve(raw: Iterable[tuple]) -> list[dict]:
    """Frames as plain data, with their source lines."""
    return [frame_data(*item) for item in raw]


def walk_back(frame: Optional[types.FrameType]) -> list[dict]:
    """The stack ending at ``frame``, outermost call first."""
    return resolve(raw_stack(frame))


def group(entries: Iterable[dict], key: str = 'stack') -> list[dict]:
    """Group entries with identical raw ``key`` stacks, largest first.

    Each group is ``{'count': n, 'members': [entry minus stack, ...],
    'stack': [...]}``; 200 green threads parked on one line become one
    group of 200 instead of 200 copies of the same stack. Source lines are
    read once per group, not once per entry.
    """
    groups: dict = {}
    for entry in entries:
        signature = tuple(entry[key])
        slot = groups.setdefault(signature, {'count': 0, 'members': []})
        slot['count'] += 1
        slot['members'].append({k: v for k, v in entry.items() if k != key})
    result = [dict(slot, stack=resolve(signature))
              for signature, slot in groups.items()]
    return sorted(result, key=lambda g: -g['count'])
