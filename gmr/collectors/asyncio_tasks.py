"""Asyncio Tasks section: each task's name, state and await stack.

The snapshot is taken inside the loop (``call_soon_threadsafe``) so it
never races the loop; it only copies raw frame tuples, the slow part
(reading source lines) happens afterwards in the calling thread. If the
loop does not answer in time (it is blocked), the tasks are read from
outside, which is what a blocked loop needs to show anyway.
"""

import asyncio
import types

from gmr import _compat
from gmr.collectors import stacks

#: How long the loop may take to run the snapshot before we read it
#: from outside.
LOOP_TIMEOUT = 0.5


def _state(task: asyncio.Task) -> str:
    """'pending', 'cancelled' or 'done'."""
    if not task.done():
        return 'pending'
    return 'cancelled' if task.cancelled() else 'done'


def _await_chain(coro) -> list[tuple]:
    """Raw (path, line, function) frames from the task's coroutine down."""
    raw = []
    while coro is not None:
        frame = getattr(coro, 'cr_frame', None) or getattr(
            coro, 'gi_frame', None)
        if not isinstance(frame, types.FrameType):
            break
        raw.append((frame.f_code.co_filename, frame.f_lineno,
                    frame.f_code.co_name))
        coro = getattr(coro, 'cr_await', None) or getattr(
            coro, 'gi_yieldfrom', None)
    return raw


def _snapshot(loop: asyncio.AbstractEventLoop) -> list[tuple]:
    """(name, state, raw frames) of every task of ``loop``; cheap."""
    return [(task.get_name(), _state(task), _await_chain(task.get_coro()))
            for task in asyncio.all_tasks(loop)]


def _snapshot_in_loop(loop: asyncio.AbstractEventLoop) -> list[tuple]:
    """Run :func:`_snapshot` inside ``loop``; read outside if it hangs."""
    done = _compat.threading().Event()
    box = []

    def take():
        """Runs inside the loop."""
        box.append(_snapshot(loop))
        done.set()

    loop.call_soon_threadsafe(take)
    if done.wait(LOOP_TIMEOUT):
        return box[0]
    return _snapshot(loop)


def _inside(loop: asyncio.AbstractEventLoop) -> bool:
    """Whether the calling thread is running ``loop`` itself."""
    try:
        return asyncio.get_running_loop() is loop
    except RuntimeError:
        return False


def collect(loop: asyncio.AbstractEventLoop) -> list[dict]:
    """Groups of tasks with identical await stacks, largest first.

    Each group: ``{'count': n, 'members': [{'name', 'state'}], 'stack'}``.
    """
    if loop.is_closed():
        return []
    if loop.is_running() and not _inside(loop):
        raw = _snapshot_in_loop(loop)
    else:
        raw = _snapshot(loop)
    entries = [{'name': name, 'state': state, 'stack': frames}
               for name, state, frames in sorted(raw)]
    return stacks.group(entries)
