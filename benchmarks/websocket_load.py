"""Websocket load: msgs/s and latency of posting and of a post/claim/delete
mix, against wsgi mode in the same run, and the event-loop stall of a GMR.

Run ``python benchmarks/websocket_load.py [--duration S] [--clients N]``.
It starts its own servers (loopback, free ports, a temporary directory),
runs every client in its own process (one connection each, so client
CPU is spread like the server's is), and prints:

- post: N connections posting batches of 10 (msgs/s, p50/p99 per
  request), websocket and HTTP (http.client keep-alive connections);
- mix: producers posting batches of 10, consumers claiming up to 10 and
  deleting them with their claim; consumed msgs/s, and an audit that
  every posted message was consumed exactly once (after a final drain);
- gmr: the loop's worst lateness while a SIGUSR2 report is built with
  500 open connections (a ticker task in the server's loop), and the
  worst round trip a client saw meanwhile.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import http.client
import json
import multiprocessing
import pathlib
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from typing import Callable, Iterator, Optional

if __package__ in (None, ''):  # run as a script: make the repo importable
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

import websocket  # noqa: E402

from tests.functional import servers  # noqa: E402

PROJECT = 'bench'
BATCH = 10
#: Issue 4 targets: websocket at least wsgi's msgs/s; loop stall of a
#: report with 500 connections at most 50 ms.
TARGET_STALL_MS = 50.0
GMR_CONNECTIONS = 500
TICK = 0.002


# ---------------------------------------------------------------- clients

class WsConn:
    """A websocket client speaking JSON frames."""

    def __init__(self, url: str):
        # Replies are decoded as JSON anyway; websocket-client's own UTF-8
        # check is pure Python and would dominate the client's CPU.
        self.ws = websocket.create_connection(url, timeout=30,
                                              skip_utf8_validation=True)
        self.headers = {'Client-ID': str(uuid.uuid4()),
                        'X-Project-ID': PROJECT}

    def call(self, action: str, body: dict) -> tuple[int, dict]:
        self.ws.send(json.dumps({'action': action, 'headers': self.headers,
                                 'body': body}))
        reply = json.loads(self.ws.recv())
        return reply['headers']['status'], reply['body']

    def post(self, queue: str, bodies: list) -> list[str]:
        code, body = self.call('message_post', {
            'queue_name': queue, 'messages': [{'body': b} for b in bodies]})
        assert code == 201, body
        return body['message_ids']

    def claim_and_delete(self, queue: str, limit: int) -> list[str]:
        """Claim up to ``limit``, delete them with the claim; their ids."""
        code, body = self.call('claim_create', {'queue_name': queue,
                                                'limit': limit})
        if code == 204:
            return []
        assert code == 201, body
        ids = [m['id'] for m in body['messages']]
        code, body = self.call('message_delete_many', {
            'queue_name': queue, 'message_ids': ids,
            'claim_ids': [body['claim_id']]})
        assert code == 204, body
        return ids

    def close(self) -> None:
        self.ws.close()


class HttpConn:
    """An HTTP keep-alive client of the same operations."""

    def __init__(self, url: str):
        port = int(url.rsplit(':', 1)[1])
        self.conn = http.client.HTTPConnection('127.0.0.1', port,
                                               timeout=30)
        self.headers = servers.headers(PROJECT)

    def _request(self, method: str, path: str,
                 body: Optional[dict] = None) -> tuple[int, dict]:
        self.conn.request(method, path, headers=self.headers,
                          body=None if body is None else json.dumps(body))
        resp = self.conn.getresponse()
        data = resp.read()
        return resp.status, json.loads(data) if data else {}

    def post(self, queue: str, bodies: list) -> list[str]:
        code, body = self._request('POST', '/v2/queues/%s/messages' % queue,
                                   {'messages': [{'body': b}
                                                 for b in bodies]})
        assert code == 201, body
        return [href.rsplit('/', 1)[1] for href in body['resources']]

    def claim_and_delete(self, queue: str, limit: int) -> list[str]:
        code, body = self._request(
            'POST', '/v2/queues/%s/claims?limit=%d' % (queue, limit), {})
        if code == 204:
            return []
        assert code == 201, body
        ids = [m['id'] for m in body['messages']]
        claim_id = body['messages'][0]['href'].split('claim_id=')[1]
        code, body = self._request(
            'DELETE', '/v2/queues/%s/messages?ids=%s&claim_ids=%s'
            % (queue, ','.join(ids), claim_id))
        assert code == 204, body
        return ids

    def close(self) -> None:
        self.conn.close()


CLIENTS = {'websocket': WsConn, 'wsgi': HttpConn}


# ---------------------------------------------------------------- workers

def _producer(conn, queue: str, name: str, end: float) -> dict:
    """Post batches of ``BATCH`` until ``end``; bodies are [name, seq]."""
    latencies, ids, seq = [], [], 0
    while time.monotonic() < end:
        start = time.perf_counter()
        ids += conn.post(queue, [[name, seq + i] for i in range(BATCH)])
        latencies.append(time.perf_counter() - start)
        seq += BATCH
    return {'latencies': latencies, 'posted': ids}


def _consumer(conn, queue: str, name: str, end: float) -> dict:
    """Claim and delete until ``end``; the ids it consumed."""
    latencies, ids = [], []
    while time.monotonic() < end:
        start = time.perf_counter()
        ids += conn.claim_and_delete(queue, BATCH)
        latencies.append(time.perf_counter() - start)
    return {'latencies': latencies, 'consumed': ids}


ROLES: dict[str, Callable] = {'producer': _producer,
                              'consumer': _consumer}


def _worker(transport: str, url: str, role: str, queue: str, name: str,
            start_at: float, duration: float, results) -> None:
    """One client process: connect, wait for the common start, run."""
    conn = CLIENTS[transport](url)
    while time.monotonic() < start_at:
        time.sleep(0.001)
    result = ROLES[role](conn, queue, name, start_at + duration)
    conn.close()
    results.put((role, name, result))


def run_clients(transport: str, url: str, queue: str, roles: list[str],
                duration: float) -> list[tuple[str, str, dict]]:
    """Run one process per role (all start together); their results."""
    ctx = multiprocessing.get_context('fork')
    results = ctx.Queue()
    start_at = time.monotonic() + 1.0
    procs = [ctx.Process(target=_worker, args=(
        transport, url, role, queue, '%s-%d' % (role, i), start_at,
        duration, results)) for i, role in enumerate(roles)]
    for proc in procs:
        proc.start()
    collected = [results.get(timeout=duration + 60) for _ in procs]
    for proc in procs:
        proc.join(10)
    return collected


# ---------------------------------------------------------------- figures

@dataclasses.dataclass
class Figures:
    """msgs/s and request latency (ms) of one scenario."""

    msgs_per_s: float
    p50_ms: float
    p99_ms: float
    requests: int


def figures(latencies: list[float], messages: int,
            duration: float) -> Figures:
    """Figures of ``messages`` moved in ``duration`` seconds."""
    ordered = sorted(latencies) or [0.0]
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return Figures(messages / duration, statistics.median(ordered) * 1e3,
                   p99 * 1e3, len(latencies))


def scenario_post(transport: str, url: str, clients: int,
                  duration: float) -> Figures:
    """``clients`` connections posting batches to one queue."""
    queue = 'post-' + uuid.uuid4().hex[:8]
    done = run_clients(transport, url, queue, ['producer'] * clients,
                       duration)
    latencies = [x for _, _, r in done for x in r['latencies']]
    posted = sum(len(r['posted']) for _, _, r in done)
    return figures(latencies, posted, duration)


def scenario_mix(transport: str, url: str, producers: int, consumers: int,
                 duration: float) -> tuple[Figures, Figures, str]:
    """Produced and consumed figures, and the delivery audit."""
    queue = 'mix-' + uuid.uuid4().hex[:8]
    done = run_clients(transport, url, queue,
                       ['producer'] * producers + ['consumer'] * consumers,
                       duration)
    posted = [i for role, _, r in done if role == 'producer'
              for i in r['posted']]
    consumed = [i for role, _, r in done if role == 'consumer'
                for i in r['consumed']]
    produced = figures([x for role, _, r in done if role == 'producer'
                        for x in r['latencies']], len(posted), duration)
    taken = figures([x for role, _, r in done if role == 'consumer'
                     for x in r['latencies']], len(consumed), duration)
    conn = CLIENTS[transport](url)
    while True:  # drain what the consumers left
        ids = conn.claim_and_delete(queue, 20)
        if not ids:
            break
        consumed += ids
    conn.close()
    return produced, taken, audit(posted, consumed)


def audit(posted: list[str], consumed: list[str]) -> str:
    """'ok', or what was lost or duplicated."""
    lost = set(posted) - set(consumed)
    duplicated = len(consumed) - len(set(consumed))
    unknown = set(consumed) - set(posted)
    if lost or duplicated or unknown:
        return 'FAILED: %d lost, %d duplicated, %d unknown' % (
            len(lost), duplicated, len(unknown))
    return 'ok (%d posted, each consumed once)' % len(posted)


# ---------------------------------------------------------------- gmr

TICKER_MAIN = '''
import asyncio, sys, time
sys.path.insert(0, %(root)r)
from zaqar_lite import bootstrap
from zaqar_lite.transport.websocket import server

async def ticker(path, tick):
    """Append (monotonic time, lateness) of every tick late by > 1 ms."""
    loop = asyncio.get_running_loop()
    with open(path, 'a', buffering=1) as out:
        while True:
            due = loop.time() + tick
            await asyncio.sleep(tick)
            late = loop.time() - due
            if late > 0.001:
                out.write('%%.6f %%.6f\\n' %% (time.monotonic(), late))

async def main(service):
    asyncio.get_running_loop().create_task(
        ticker(%(ticks)r, %(tick)r), name='bench-ticker')
    return await server.serve(service)

conf = bootstrap.make_config(['--config-file', %(config)r])
bootstrap.setup_logging(conf)
service = bootstrap.Service(conf, 'websocket')
sys.exit(asyncio.run(main(service)))
'''


@contextlib.contextmanager
def ticker_server(workdir: pathlib.Path) -> Iterator[tuple]:
    """A websocket server (the real serve()) with a ticker task in its
    loop; yields (server, ticks file)."""
    server = servers.ZaqarServer(workdir, transport='websocket')
    ticks = workdir / 'ticks.txt'
    script = workdir / 'serve_with_ticker.py'
    script.write_text(TICKER_MAIN % {
        'root': str(pathlib.Path(__file__).resolve().parent.parent),
        'ticks': str(ticks), 'tick': TICK,
        'config': str(server.config_file)})
    with open(server.stderr_path, 'ab') as err:
        server.process = subprocess.Popen(
            [sys.executable, str(script)], stdout=err, stderr=err,
            cwd=workdir)
    servers.wait_for(server._ready, 20, 'the websocket server')
    try:
        yield server, ticks
    finally:
        server.stop()


def _late_ticks(path: pathlib.Path, window: tuple[float, float]
                ) -> float:
    """The worst lateness (s) recorded by the ticker within ``window``."""
    rows = (line.split() for line in path.read_text().splitlines()) \
        if path.exists() else ()
    return max((float(late) for at, late in rows
                if window[0] <= float(at) <= window[1]), default=0.0)


def _pinger(url: str, stop_at: float, results) -> None:
    """Round trips of a trivial action: (monotonic time, seconds)."""
    conn = WsConn(url)
    samples = []
    while time.monotonic() < stop_at:
        start = time.perf_counter()
        conn.call('authenticate', {})
        samples.append((time.monotonic(), time.perf_counter() - start))
    conn.close()
    results.put(samples)


@dataclasses.dataclass
class GmrFigures:
    """Loop lateness and client round trips (ms), without and with a
    report being built; seconds from signal to complete report."""

    baseline_stall: float
    stalls: list[float]
    baseline_rtt: float
    rtts: list[float]
    build_seconds: list[float]


def _reports(server, count: int) -> list[tuple]:
    """Trigger ``count`` reports one after the other; their windows."""
    windows = []
    for n in range(1, count + 1):
        since = time.monotonic()
        server.signal(signal.SIGUSR2)
        # A report is complete once its last line (the last section's
        # last entry) is written.
        servers.wait_for(
            lambda: server.stderr().count('not_listed = ') >= n,
            30, 'report %d' % n, interval=0.005)
        windows.append((since, time.monotonic() + 0.02))
    return windows


def scenario_gmr(workdir: pathlib.Path, count: int = 5) -> GmrFigures:
    """Reports built one after the other with 500 open connections."""
    with ticker_server(workdir) as (server, ticks):
        idle = [WsConn(server.url) for _ in range(GMR_CONNECTIONS)]
        ctx = multiprocessing.get_context('fork')
        results = ctx.Queue()
        pinger = ctx.Process(target=_pinger, args=(
            server.url, time.monotonic() + 2.5 + count, results))
        pinger.start()
        time.sleep(0.5)  # the pinger is in its loop
        baseline = (time.monotonic(), time.monotonic() + 1.0)
        time.sleep(1.0)  # a window without reports, for comparison
        windows = _reports(server, count)
        samples = results.get(timeout=30 + count)
        pinger.join(5)
        time.sleep(0.1)  # the ticker has written the last late tick

        def worst_rtt(window):
            return max((rtt for at, rtt in samples
                        if window[0] <= at <= window[1]), default=0.0)
        figures = GmrFigures(
            _late_ticks(ticks, baseline) * 1e3,
            [_late_ticks(ticks, w) * 1e3 for w in windows],
            worst_rtt(baseline) * 1e3, [worst_rtt(w) * 1e3 for w in windows],
            [w[1] - w[0] for w in windows])
        for conn in idle:
            conn.close()
    return figures


def print_gmr(fig: GmrFigures) -> None:
    print('gmr with %d connections, %d reports: loop stall median %.1f ms, '
          'worst %.1f ms (target <= %.0f; %.1f ms in a window without a '
          'report)' % (GMR_CONNECTIONS, len(fig.stalls),
                       statistics.median(fig.stalls), max(fig.stalls),
                       TARGET_STALL_MS, fig.baseline_stall))
    print('  client round trip during a report: median of worsts %.1f ms, '
          'worst %.1f ms (%.1f ms without); report built in %.0f ms '
          '(median)' % (statistics.median(fig.rtts), max(fig.rtts),
                        fig.baseline_rtt,
                        statistics.median(fig.build_seconds) * 1e3))


# ---------------------------------------------------------------- main

def parse_args(argv: Optional[list[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--duration', type=float, default=3.0,
                        help='measured seconds per scenario (default 3)')
    parser.add_argument('--clients', type=int, default=4,
                        help='connections of the post scenario (default 4)')
    parser.add_argument('--producers', type=int, default=2)
    parser.add_argument('--consumers', type=int, default=2)
    parser.add_argument('--rounds', type=int, default=2,
                        help='rounds of every scenario (default 2)')
    parser.add_argument('--no-http', action='store_true',
                        help='skip the wsgi-mode comparison')
    parser.add_argument('--no-gmr', action='store_true',
                        help='skip the GMR stall measurement')
    return parser.parse_args(argv)


def _row(name: str, fig: Figures) -> str:
    return '%-30s %10.0f %9.2f %9.2f %8d' % (
        name, fig.msgs_per_s, fig.p50_ms, fig.p99_ms, fig.requests)


def one_round(urls: dict[str, str], args: argparse.Namespace
              ) -> dict[str, tuple[Figures, Figures, str]]:
    """Post and mix of every run mode, alternating, so that both see the
    same machine load; {transport: (post, consumed, audit)}."""
    posts = {}
    for transport, url in urls.items():
        posts[transport] = scenario_post(transport, url, args.clients,
                                         args.duration)
        print(_row('%s post (%d conns)' % (transport, args.clients),
                   posts[transport]))
    done = {}
    for transport, url in urls.items():
        produced, consumed, verdict = scenario_mix(
            transport, url, args.producers, args.consumers, args.duration)
        print(_row('%s mix produced' % transport, produced))
        print(_row('%s mix consumed' % transport, consumed))
        print('%-30s %s' % ('%s mix audit' % transport, verdict))
        done[transport] = (posts[transport], consumed, verdict)
    return done


def compare(rounds: list[dict]) -> None:
    """Median websocket / wsgi ratios over the rounds."""
    def ratio(index: int) -> float:
        return statistics.median(
            r['websocket'][index].msgs_per_s / r['wsgi'][index].msgs_per_s
            for r in rounds)
    print('websocket / wsgi (median of %d rounds): post %.2fx, mix '
          'consumed %.2fx (target >= 1)' % (len(rounds), ratio(0),
                                            ratio(1)))


def main(argv: Optional[list[str]] = None) -> int:
    args = parse_args(argv)
    print('%-30s %10s %9s %9s %8s' % ('scenario', 'msgs/s', 'p50 ms',
                                      'p99 ms', 'requests'))
    modes = ['websocket'] + ([] if args.no_http else ['wsgi'])
    with tempfile.TemporaryDirectory(prefix='ws-load-') as tmp, \
            contextlib.ExitStack() as stack:
        root = pathlib.Path(tmp)
        urls = {mode: stack.enter_context(servers.ZaqarServer(
            root / mode, transport=mode)).url for mode in modes}
        rounds = [one_round(urls, args) for _ in range(args.rounds)]
        failed = any(not verdict.startswith('ok') for r in rounds
                     for _, _, verdict in r.values())
        if not args.no_http:
            compare(rounds)
        stack.close()
        if not args.no_gmr:
            print_gmr(scenario_gmr(root / 'gmr'))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
