"""HTTP load on the uWSGI run mode beside the wsgi mode, in one run.

Registers the ``uwsgi`` target (the shipped ``etc/uwsgi.ini``: a master
and 2 workers on one SQLite file, on a free port, in a scratch clone)
and runs the scenarios of ``http_load.py`` against each mode in turn::

    python benchmarks/uwsgi_load.py [--duration S] [--modes wsgi,uwsgi]

Then a side-by-side summary: post (4 clients, batch 10) and the mix's
consumed msgs/s, against three times real Zaqar under uWSGI.
"""

from __future__ import annotations

import argparse
import contextlib
import pathlib
import sys
import tempfile
import threading
import time
from typing import Iterator, Optional

import psutil

if __package__ in (None, ''):  # run as a script: make the repo importable
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

from benchmarks import http_load  # noqa: E402
from benchmarks import runner  # noqa: E402
from benchmarks import targets  # noqa: E402
from tests.functional import uwsgi_server  # noqa: E402

#: Real Zaqar under uWSGI: 6.3k msgs/s posted by 4 clients in batches of
#: 10, 1.5k msgs/s through the producer/consumer mix; the goal is 3x.
ZAQAR_POST = 6300.0
ZAQAR_MIX = 1500.0
GOAL = 3.0


@contextlib.contextmanager
def uwsgi(workdir: pathlib.Path, workers: int = 2) -> Iterator[
        targets.Target]:
    """uWSGI with the shipped ini (``workers`` processes; 2 as shipped).

    The target's ``pid`` stays None: the runner counts one process's CPU
    and uWSGI serves from its workers; :class:`TreeCPUBench` counts the
    master and every worker instead (``master_pid``).
    """
    args = [] if workers == 2 else ['--processes', str(workers)]
    server = uwsgi_server.UWSGIServer(workdir / 'uwsgi', args=args,
                                      workers=workers)
    with server:
        target = targets.Target(
            url=server.url, description='uWSGI, etc/uwsgi.ini, %d workers, '
                                        'SQLite (%s)' % (workers,
                                                         server.database))
        target.master_pid = server.process.pid
        yield target


class TreeCPU(threading.Thread):
    """CPU (in cores) a process and its children used from ``start`` to
    ``end`` (``time.monotonic()`` moments); ``cores`` once joined."""

    def __init__(self, pid: int, start: float, end: float):
        super().__init__(daemon=True)
        self.root = psutil.Process(pid)
        self.start_at, self.end_at = start, end
        self.cores: Optional[float] = None

    def _sample(self) -> dict[int, float]:
        seconds = {}
        for proc in [self.root] + self.root.children(recursive=True):
            try:
                seconds[proc.pid] = sum(proc.cpu_times()[:2])
            except psutil.NoSuchProcess:
                pass
        return seconds

    def run(self) -> None:
        time.sleep(max(0.0, self.start_at - time.monotonic()))
        before = self._sample()
        time.sleep(max(0.0, self.end_at - time.monotonic()))
        after = self._sample()
        used = sum(after[pid] - before[pid] for pid in after
                   if pid in before)
        self.cores = used / (self.end_at - self.start_at)


class TreeCPUBench(http_load.Bench):
    """``http_load.Bench`` whose server CPU is that of the whole uWSGI
    process tree during each measured window."""

    def __init__(self, args: argparse.Namespace, target: targets.Target,
                 master_pid: int):
        super().__init__(args, target)
        self.master_pid = master_pid

    def _run(self, factories: list) -> runner.Outcome:
        # The runner's window opens START_SLACK + warm-up after its call.
        start = time.monotonic() + runner.START_SLACK + self.args.warmup
        sampler = TreeCPU(self.master_pid, start, start + self.args.duration)
        sampler.start()
        outcome = super()._run(factories)
        sampler.join()
        outcome.server_cpu = sampler.cores
        return outcome


targets.TARGETS.setdefault('uwsgi', uwsgi)


def parse_args(argv: Optional[list[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--modes', default='wsgi,uwsgi',
                        help='run modes to measure, in this order')
    parser.add_argument('--duration', type=float, default=5.0)
    parser.add_argument('--warmup', type=float, default=1.0)
    parser.add_argument('--workers', type=int, default=2,
                        help='uWSGI worker processes (default 2)')
    return parser.parse_args(argv)


def measure(mode: str, args: argparse.Namespace) -> http_load.Bench:
    """Start ``mode``, run ping, post (4 clients) and the mix (2+2)."""
    bench_args = http_load.parse_args([
        '--mode', mode, '--duration', str(args.duration),
        '--warmup', str(args.warmup), '--clients', '4', '--batch', '10'])
    with tempfile.TemporaryDirectory(prefix='zaqar-bench-') as tmp:
        if mode == 'uwsgi':
            target_cm = uwsgi(pathlib.Path(tmp), args.workers)
        else:
            target_cm = targets.TARGETS[mode](pathlib.Path(tmp))
        with target_cm as target:
            if mode == 'uwsgi':
                bench = TreeCPUBench(bench_args, target, target.master_pid)
            else:
                bench = http_load.Bench(bench_args, target)
            bench.run_all()
    return bench


def _per_core(row) -> float:
    """msgs/s per core of server CPU (NaN without a CPU figure)."""
    cpu = row.outcome.server_cpu
    return row.figures.msgs_per_s / cpu if cpu else float('nan')


def summary(benches: dict[str, http_load.Bench], out=sys.stdout) -> None:
    """post (4 clients) and mix figures of every mode, side by side: as
    measured, and per core of server CPU (robust on a busy machine)."""
    print('\n%-6s %11s %11s %13s %13s %6s  audit' % (
        'mode', 'post msgs/s', '(per core)', 'mix consumed', '(per core)',
        'host'), file=out)
    for mode, bench in benches.items():
        post = http_load._find(bench.rows, 'post (batch 10)', '4')
        consumed = http_load._find(bench.rows, 'mix: delete (consumed)')
        ok = bench.audit is not None and bench.audit.ok
        print('%-6s %11.0f %11.0f %13.0f %13.0f %5.0f%%  %s' % (
            mode, post.figures.msgs_per_s, _per_core(post),
            consumed.figures.msgs_per_s, _per_core(consumed),
            100 * post.outcome.host_cpu, 'ok' if ok else 'FAILED'),
            file=out)
    print('\nGoal for uwsgi: %gx real Zaqar under uWSGI: post >= %.0f, '
          'mix >= %.0f msgs/s' % (GOAL, GOAL * ZAQAR_POST,
                                  GOAL * ZAQAR_MIX), file=out)


def main(argv: Optional[list[str]] = None) -> int:
    """Measure each mode, print its full report, then the summary."""
    args = parse_args(argv)
    benches = {}
    for mode in args.modes.split(','):
        benches[mode] = measure(mode, args)
        http_load.print_report(benches[mode])
    summary(benches)
    return 0 if all(b.audit is None or b.audit.ok
                    for b in benches.values()) else 1


if __name__ == '__main__':
    sys.exit(main())
