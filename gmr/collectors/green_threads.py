"""Green Threads section: every suspended greenlet, identical stacks grouped.
"""

import gc
import sys

from gmr.collectors import stacks


def available() -> bool:
    """Whether greenlet is in use (imported) in this process."""
    return 'greenlet' in sys.modules


def collect() -> list[dict]:
    """Groups of green threads with identical stacks, largest first.

    Each group: ``{'count': n, 'members': [{'id': '0x...'}], 'stack': []}``.
    A greenlet running right now has no saved frame; its stack is in the
    Threads section.
    """
    greenlet = sys.modules['greenlet']
    entries = []
    for obj in gc.get_objects():
        if not isinstance(obj, greenlet.greenlet):
            continue
        frame = obj.gr_frame
        if frame is None:
            continue
        entries.append({'id': hex(id(obj)), 'stack': stacks.raw_stack(frame)})
    return stacks.group(entries)
