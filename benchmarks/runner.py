"""Run benchmark workers concurrently for a bounded time and collect
what they measured.

Clients run in separate processes by default: on a small machine the
client side must not be what limits the figures, and one Python process
with several client threads is bound by its GIL. Threads remain
available to compare.
"""

from __future__ import annotations

import dataclasses
import math
import multiprocessing
import queue as queue_module
import threading
import time
from typing import Callable, Optional

import psutil

from benchmarks.client import Client, Event
from benchmarks.workers import Worker

#: Seconds given to the clients to start and connect before the run.
START_SLACK = 1.0
RESULT_TIMEOUT = 120.0

WorkerFactory = Callable[[Client, int], Worker]


@dataclasses.dataclass
class Window:
    """A run: warm-up from ``begin``, then ``duration`` measured seconds.

    Times are ``time.monotonic()``, the same clock in every process of
    the machine.
    """

    begin: float
    warmup: float
    duration: float

    @property
    def start(self) -> float:
        return self.begin + self.warmup

    @property
    def end(self) -> float:
        return self.start + self.duration


@dataclasses.dataclass
class Outcome:
    """What the workers of one run measured, merged."""

    events: list[Event]
    errors: int
    client_cpu: float
    extras: list[dict]
    server_cpu: Optional[float] = None
    host_cpu: float = 0.0
    duration: float = 1.0

    @property
    def requests_per_s(self) -> float:
        """Requests of every kind completed per measured second."""
        return len(self.events) / self.duration


def _sleep_until(moment: float) -> None:
    delay = moment - time.monotonic()
    if delay > 0:
        time.sleep(delay)


def _work(factory: WorkerFactory, url: str, project: str, index: int,
          window: Window, out, cpu_clock: Callable[[], float]) -> None:
    """Body of one client: connect, wait for the start, loop, report."""
    client = Client(url, project)
    worker = factory(client, index)
    _sleep_until(window.begin)
    cpu_start = None
    while (now := time.monotonic()) < window.end:
        if cpu_start is None and now >= window.start:
            cpu_start = cpu_clock()
        worker.step()
    cpu = cpu_clock() - cpu_start if cpu_start is not None else 0.0
    client.close()
    events = [e for e in client.events if window.start <= e[1] <= window.end]
    out.put({'events': events, 'errors': client.errors, 'cpu': cpu,
             'extra': worker.extra()})


def run(factories: list[WorkerFactory], url: str, project: str,
        warmup: float, duration: float, processes: bool = True,
        server_pid: Optional[int] = None) -> Outcome:
    """Run one worker per factory, all at once, for ``duration`` seconds
    after ``warmup``; returns their merged measurements."""
    window = Window(time.monotonic() + START_SLACK, warmup, duration)
    if processes:
        ctx = multiprocessing.get_context('fork')
        out = ctx.Queue()
        starter, clock = ctx.Process, time.process_time
    else:
        out = queue_module.Queue()
        starter, clock = threading.Thread, time.thread_time
    runners = [starter(target=_work, daemon=True, args=(
        factory, url, project, index, window, out, clock))
        for index, factory in enumerate(factories)]
    for runner in runners:
        runner.start()
    try:
        server_cpu, host_cpu = _cpu_during(server_pid, window)
        reports = [out.get(timeout=RESULT_TIMEOUT) for _ in runners]
    except BaseException:  # interrupted: no client outlives the run
        for runner in runners:
            if hasattr(runner, 'terminate') and runner.is_alive():
                runner.terminate()
        raise
    for runner in runners:
        runner.join(RESULT_TIMEOUT)
    return Outcome(
        events=[e for r in reports for e in r['events']],
        errors=sum(r['errors'] for r in reports),
        client_cpu=sum(r['cpu'] for r in reports) / duration,
        extras=[r['extra'] for r in reports], server_cpu=server_cpu,
        host_cpu=host_cpu, duration=duration)


def _busy(times) -> float:
    """Seconds the whole machine spent not idle."""
    return sum(times) - times.idle - getattr(times, 'iowait', 0.0)


def _cpu_during(pid: Optional[int], window: Window
                ) -> tuple[Optional[float], float]:
    """CPU (in cores) the server and the whole machine used during the
    measured window; the server's is None when its pid is unknown.

    The machine's figure shows whether anything else competed for the
    cores while the clients and the server ran.
    """
    process = psutil.Process(pid) if pid is not None else None
    _sleep_until(window.start)
    host = _busy(psutil.cpu_times())
    before = sum(process.cpu_times()[:2]) if process else 0.0
    _sleep_until(window.end)
    host = (_busy(psutil.cpu_times()) - host) / window.duration
    if process is None:
        return None, host
    return (sum(process.cpu_times()[:2]) - before) / window.duration, host


@dataclasses.dataclass
class Figures:
    """Throughput and latency of the events carrying one label."""

    requests: int
    messages: int
    req_per_s: float
    msgs_per_s: float
    p50_ms: float
    p99_ms: float


def percentile(sorted_values: list[float], pct: float) -> float:
    """The nearest-rank percentile of already sorted values."""
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(pct / 100.0 * len(sorted_values)))
    return sorted_values[rank - 1]


def figures(events: list[Event], label: str, duration: float) -> Figures:
    """Figures of the events labelled ``label`` over ``duration``."""
    mine = [e for e in events if e[0] == label]
    latencies = sorted(e[2] for e in mine)
    messages = sum(e[3] for e in mine)
    return Figures(len(mine), messages, len(mine) / duration,
                   messages / duration, percentile(latencies, 50) * 1e3,
                   percentile(latencies, 99) * 1e3)
