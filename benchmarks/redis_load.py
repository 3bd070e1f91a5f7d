"""Redis load: the http_load scenarios on SQLite, on one server on Redis
and on two servers sharing one Redis, side by side in the same run.

Run ``python benchmarks/redis_load.py [--deployments ...] [--fsync ...]``
plus any option of ``http_load.py`` (``--duration``, ``--scenarios``...).
Besides the usual table it shows the CPU that the zaqar-lite servers and
redis-server spent per message: what limits scaling out.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import functools
import pathlib
import sys
import tempfile
import threading
import time
from typing import Callable, Iterator, Optional

import psutil

if __package__ in (None, ''):  # run as a script: make the repo importable
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

from benchmarks import http_load  # noqa: E402
from benchmarks import report  # noqa: E402
from benchmarks import runner  # noqa: E402
from benchmarks import targets  # noqa: E402
from tests import redis_server as redis_testing  # noqa: E402
from tests.functional import servers  # noqa: E402


@dataclasses.dataclass
class Deployment:
    """Servers under test: clients are spread over ``urls``.

    :param target: the first server (used for the drain after the mix).
    :param urls: every server's base URL, in the order clients use them.
    :param server_pids: the zaqar-lite-server processes.
    :param redis_pid: the redis-server process, if there is one.
    """

    target: targets.Target
    urls: list[str]
    server_pids: list[int]
    redis_pid: Optional[int] = None


@contextlib.contextmanager
def sqlite(workdir: pathlib.Path, fsync: str) -> Iterator[Deployment]:
    """The reference: http_load's own wsgi target (one server, SQLite)."""
    with targets.wsgi(workdir) as target:
        yield Deployment(target, [target.url], [target.pid])


@contextlib.contextmanager
def on_redis(workdir: pathlib.Path, fsync: str,
             count: int) -> Iterator[Deployment]:
    """``count`` wsgi servers sharing one redis-server (AOF, ``fsync``)."""
    with redis_testing.RedisServer(fsync_always=fsync == 'always',
                                   directory=str(workdir)) as redis:
        options = {'drivers': {'message_store': 'redis'},
                   'drivers:message_store:redis': {'uri': redis.uri}}
        with contextlib.ExitStack() as stack:
            group = [stack.enter_context(servers.ZaqarServer(
                workdir / ('server%d' % n), options=options))
                for n in range(count)]
            description = ('%d zaqar-lite-server%s (wsgi) on one '
                           'redis-server (appendonly, appendfsync %s)'
                           % (count, 's' if count > 1 else '', fsync))
            yield Deployment(
                targets.Target(group[0].url, group[0].process.pid,
                               description),
                [server.url for server in group],
                [server.process.pid for server in group],
                redis.process.pid)


#: Deployments by name: ``(workdir, fsync) -> Deployment`` managers.
DEPLOYMENTS: dict[str, Callable] = {
    'sqlite': sqlite,
    'redis': functools.partial(on_redis, count=1),
    'redis-2servers': functools.partial(on_redis, count=2),
}


def spread(factory: runner.WorkerFactory,
           urls: list[str]) -> runner.WorkerFactory:
    """A worker factory whose client ``index`` talks to server
    ``index % len(urls)``: the client is set up again in place (same
    object, so the runner still collects its events) on that URL."""
    def make(client, index: int):
        project = client.headers['X-Project-ID']
        client.close()
        client.__init__(urls[index % len(urls)], project)
        return factory(client, index)
    return make


class CpuWatch:
    """CPU (in cores) of some processes during the measured window of
    the run that starts right after ``start()``, like runner's own."""

    def __init__(self, pids: list[int], warmup: float, duration: float):
        self.processes = [psutil.Process(pid) for pid in pids]
        self.warmup = warmup
        self.duration = duration
        self.cores: Optional[float] = None
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def _total(self) -> float:
        return sum(sum(p.cpu_times()[:2]) for p in self.processes)

    def _watch(self) -> None:
        begin = time.monotonic() + runner.START_SLACK + self.warmup
        time.sleep(max(0.0, begin - time.monotonic()))
        before = self._total()
        time.sleep(self.duration)
        self.cores = (self._total() - before) / self.duration

    def start(self) -> 'CpuWatch':
        self._thread.start()
        return self

    def join(self) -> Optional[float]:
        self._thread.join()
        return self.cores


class DeploymentBench(http_load.Bench):
    """http_load's scenarios with clients spread over every server; the
    server CPU is that of all the servers, the Redis CPU is kept too."""

    def __init__(self, args: argparse.Namespace, deployment: Deployment):
        super().__init__(args, deployment.target)
        self.deployment = deployment
        #: Redis CPU (cores) per scenario, in the order of ``rows``.
        self.redis_cpu: list[Optional[float]] = []
        self._redis: Optional[float] = None

    def _run(self, factories: list) -> runner.Outcome:
        d, a = self.deployment, self.args
        factories = [spread(f, d.urls) for f in factories]
        servers_cpu = CpuWatch(d.server_pids, a.warmup, a.duration).start()
        redis_cpu = CpuWatch([d.redis_pid] if d.redis_pid else [],
                             a.warmup, a.duration).start()
        outcome = runner.run(factories, d.target.url, self.project,
                             a.warmup, a.duration,
                             processes=not a.threads)
        outcome.server_cpu = servers_cpu.join()
        self._redis = redis_cpu.join() if d.redis_pid else None
        return outcome

    def _row(self, *args, **kwargs) -> http_load.Row:
        row = super()._row(*args, **kwargs)
        self.redis_cpu.append(self._redis)
        return row


def parse_args(argv: Optional[list[str]]) -> argparse.Namespace:
    """This script's options; the rest go to ``http_load.parse_args``."""
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--deployments',
                        default='sqlite,redis,redis-2servers',
                        help='comma-separated subset of %s'
                             % ','.join(DEPLOYMENTS))
    parser.add_argument('--fsync', choices=('everysec', 'always'),
                        default='everysec',
                        help="redis-server's appendfsync (default "
                             'everysec)')
    own, rest = parser.parse_known_args(argv)
    args = http_load.parse_args(rest)
    args.deployments = own.deployments.split(',')
    args.fsync = own.fsync
    return args


def cpu_per_message(bench: DeploymentBench, out) -> None:
    """Microseconds of CPU per message: servers, Redis, clients."""
    print('\nCPU per message (us): servers / redis-server / clients',
          file=out)
    for row, redis_cpu in zip(bench.rows, bench.redis_cpu):
        msgs = row.figures.msgs_per_s
        if not row.figures.messages or not msgs:
            continue
        shown = ['%.0f' % (cores / msgs * 1e6) if cores is not None
                 else '-' for cores in (row.outcome.server_cpu, redis_cpu,
                                        row.outcome.client_cpu)]
        print('  %-24s %7s %8s %8s %8s' % (row.name, row.clients, *shown),
              file=out)


def print_deployment(bench: DeploymentBench, out=sys.stdout) -> None:
    """The table of one deployment, its CPU per message and its audit."""
    a = bench.args
    print('\n== %s' % bench.deployment.target.description, file=out)
    print('%g s measured per scenario after %g s warm-up; clients in '
          '%s, spread over %d server(s)\n'
          % (a.duration, a.warmup, 'threads' if a.threads else 'processes',
             len(bench.deployment.urls)), file=out)
    report.table(bench.rows, out)
    http_load.normalised(bench.rows, out)
    cpu_per_message(bench, out)
    if bench.audit is not None:
        print('', file=out)
        report.audit(bench.audit, out)


def find(rows: list[http_load.Row], name: str,
         clients: str) -> Optional[http_load.Row]:
    """The row of that scenario and client count, or None."""
    return next((row for row in rows
                 if (row.name, row.clients) == (name, clients)), None)


def side_by_side(benches: dict[str, DeploymentBench], out=sys.stdout
                 ) -> None:
    """msgs/s of each message scenario, one column per deployment."""
    names = list(benches)
    print('\nmsgs/s side by side', file=out)
    print('  %-24s %7s' % ('scenario', 'clients')
          + ''.join(' %15s' % name for name in names), file=out)
    first = benches[names[0]]
    for row in first.rows:
        if not row.figures.messages:
            continue
        cells = []
        for name in names:
            found = find(benches[name].rows, row.name, row.clients)
            cells.append(' %15.0f' % found.figures.msgs_per_s
                         if found else ' %15s' % '-')
        print('  %-24s %7s' % (row.name, row.clients) + ''.join(cells),
              file=out)


def main(argv: Optional[list[str]] = None) -> int:
    """Measure each deployment in turn; 1 if a mix lost or repeated a
    message."""
    args = parse_args(argv)
    benches: dict[str, DeploymentBench] = {}
    for name in args.deployments:
        with tempfile.TemporaryDirectory(prefix='zaqar-bench-') as tmp:
            with DEPLOYMENTS[name](pathlib.Path(tmp), args.fsync) as dep:
                bench = DeploymentBench(args, dep)
                bench.run_all()
        benches[name] = bench
        print_deployment(bench)
    side_by_side(benches)
    audits = [b.audit for b in benches.values() if b.audit is not None]
    return 0 if all(audit.ok for audit in audits) else 1


if __name__ == '__main__':
    sys.exit(main())
