"""Asyncio Tasks: names, states and await stacks, from the loop or outside.
"""

import asyncio
import threading
import time

from gmr.collectors import asyncio_tasks


async def _inner(event):
    await event.wait()


async def _outer(event):
    await _inner(event)


def _groups_by_name(groups):
    return {m['name']: g for g in groups for m in g['members']}


class _LoopThread:
    """An asyncio loop running in its own thread, like the websocket mode.
    """

    def __init__(self):
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever,
                                       daemon=True)
        self.thread.start()

    def run(self, coro, timeout=5):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(
            timeout)

    def close(self):
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
        self.loop.close()


def test_tasks_are_listed_with_names_states_and_await_stacks():
    runner = _LoopThread()

    async def spawn():
        event = asyncio.Event()
        for i in range(3):
            asyncio.ensure_future(_outer(event)).set_name('waiter-%d' % i)
        asyncio.ensure_future(asyncio.sleep(30)).set_name('sleeper')
        await asyncio.sleep(0)
        return event

    try:
        runner.run(spawn())
        groups = asyncio_tasks.collect(runner.loop)
    finally:
        runner.close()
    by_name = _groups_by_name(groups)
    waiters = by_name['waiter-0']
    assert waiters['count'] == 3
    assert {m['name'] for m in waiters['members']} == {
        'waiter-0', 'waiter-1', 'waiter-2'}
    assert {m['state'] for m in waiters['members']} == {'pending'}
    functions = [f['function'] for f in waiters['stack']]
    assert functions[:3] == ['_outer', '_inner', 'wait']
    assert waiters['stack'][1]['code'] == 'await event.wait()'
    assert by_name['sleeper']['count'] == 1


def test_a_blocked_loop_is_read_from_outside_after_the_timeout():
    runner = _LoopThread()

    async def park():
        asyncio.ensure_future(asyncio.sleep(30)).set_name('parked')

    try:
        runner.run(park())
        # Callbacks run in order: the loop is stuck before the snapshot.
        runner.loop.call_soon_threadsafe(time.sleep, 1)
        started = time.monotonic()
        groups = asyncio_tasks.collect(runner.loop)
        elapsed = time.monotonic() - started
    finally:
        runner.close()
    assert asyncio_tasks.LOOP_TIMEOUT <= elapsed < 1
    assert _groups_by_name(groups)['parked']['count'] == 1


def test_collecting_from_inside_the_loop_does_not_wait():
    async def main():
        asyncio.current_task().set_name('main-task')
        return asyncio_tasks.collect(asyncio.get_running_loop())

    started = time.monotonic()
    groups = asyncio.run(main())
    assert time.monotonic() - started < asyncio_tasks.LOOP_TIMEOUT
    assert 'main-task' in _groups_by_name(groups)
