"""zaqar-lite-server processes on Redis, as an operator deploys them.

Three servers on one Redis behave as one service: a producer on one server
and consumers on the others deliver every message exactly once and in
order; claims never overlap across servers; delays, message TTLs and claim
expiry are the same on every server; a project sees nothing of another's,
whichever server it asks. A unix-socket URI works, and the Guru Meditation
Report names the Redis store with its password masked.
"""

from __future__ import annotations

import concurrent.futures
import http.client
import json
import os
import signal
import threading
import time
from typing import Any, Optional

import pytest

from tests import redis_server as redis_testing
from tests.functional import servers
from tests.functional.conftest import redis_options

#: Seconds a consumer keeps trying before the test gives up on it.
DEADLINE = 60.0


class Client:
    """One keep-alive HTTP connection to one server, as one project."""

    def __init__(self, server: servers.ZaqarServer, project: str):
        self.conn = http.client.HTTPConnection('127.0.0.1', server.port,
                                               timeout=10)
        self.headers = servers.headers(project)

    def call(self, method: str, path: str,
             body: Any = None) -> tuple[int, Any]:
        """Send one request on the kept-alive connection: (status, JSON)."""
        data = None if body is None else json.dumps(body).encode()
        self.conn.request(method, path, body=data, headers=self.headers)
        resp = self.conn.getresponse()
        raw = resp.read()
        return resp.status, json.loads(raw) if raw else None

    def post(self, queue: str, bodies: list, **fields) -> list[str]:
        """Post one batch; the ids of the new messages, in order."""
        messages = [dict(fields, body=body) for body in bodies]
        status, reply = self.call('POST', '/v2/queues/%s/messages' % queue,
                                  {'messages': messages})
        assert status == 201, reply
        return [href.rsplit('/', 1)[1] for href in reply['resources']]

    def claim(self, queue: str, limit: int = 10, ttl: int = 300,
              grace: int = 60) -> tuple[Optional[str], list[dict]]:
        """Claim up to ``limit`` messages: (claim id or None, messages)."""
        status, reply = self.call(
            'POST', '/v2/queues/%s/claims?limit=%d' % (queue, limit),
            {'ttl': ttl, 'grace': grace})
        if status == 204:
            return None, []
        assert status == 201, reply
        claim_id = reply['messages'][0]['href'].split('claim_id=')[1]
        return claim_id, reply['messages']

    def counts(self, queue: str) -> dict:
        """The queue's claimed, free and total message counts."""
        status, reply = self.call('GET', '/v2/queues/%s/stats' % queue)
        assert status == 200, reply
        return {key: reply['messages'][key]
                for key in ('claimed', 'free', 'total')}

    def close(self) -> None:
        self.conn.close()


@pytest.fixture(scope='module')
def cluster(session_redis, tmp_path_factory) -> list[servers.ZaqarServer]:
    """Three servers on the session's redis-server, started together."""
    options = redis_options(session_redis.uri)
    root = tmp_path_factory.mktemp('cluster')
    group = [servers.ZaqarServer(root / ('server%d' % n), options=options)
             for n in (1, 2, 3)]
    with concurrent.futures.ThreadPoolExecutor(len(group)) as pool:
        started = [pool.submit(server.start) for server in group]
    try:
        for future in started:
            future.result()
        yield group
    finally:
        for server in group:
            server.stop()


@pytest.fixture
def clients(cluster, project):
    """``make(server_index, as_project=None)``: a client of that server
    (as the test's project unless told), closed after the test."""
    made = []

    def make(index: int, as_project: Optional[str] = None) -> Client:
        client = Client(cluster[index], as_project or project)
        made.append(client)
        return client
    yield make
    for client in made:
        client.close()


def produce(client: Client, queue: str, count: int, batch: int,
            done: threading.Event) -> list[str]:
    """Post ``{'seq': n}`` for n in 0..count-1 in order; set ``done``."""
    ids = []
    try:
        for start in range(0, count, batch):
            seqs = range(start, min(start + batch, count))
            ids.extend(client.post(queue, [{'seq': n} for n in seqs]))
    finally:
        done.set()
    return ids


def consume(client: Client, queue: str, done: threading.Event) -> list[int]:
    """Claim, then delete each message with its claim, until the producer
    is done and nothing is left to claim; the sequence numbers seen."""
    seen = []
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        finished = done.is_set()
        claim_id, messages = client.claim(queue)
        if claim_id is None and finished:
            return seen
        for message in messages:
            seen.append(message['body']['seq'])
            status, reply = client.call('DELETE', message['href'])
            assert status == 204, reply
    raise TimeoutError('consumer still busy after %s s' % DEADLINE)


def test_producer_and_two_consumers_deliver_every_message_once(clients):
    count = 400
    done = threading.Event()
    with concurrent.futures.ThreadPoolExecutor(3) as pool:
        producer = pool.submit(produce, clients(0), 'work', count, 10, done)
        consumers = [pool.submit(consume, clients(n), 'work', done)
                     for n in (1, 2)]
        posted = producer.result()
        streams = [consumer.result() for consumer in consumers]
    assert len(posted) == len(set(posted)) == count
    delivered = streams[0] + streams[1]
    assert sorted(delivered) == list(range(count))  # each exactly once
    for stream in streams:
        assert stream, 'a consumer got nothing: no concurrency was tested'
        assert stream == sorted(stream)  # FIFO as one consumer sees it
    assert clients(0).counts('work')['total'] == 0


def test_concurrent_claims_on_three_servers_never_share_a_message(clients):
    posted = clients(0).post('burst', list(range(20)))
    posted += clients(0).post('burst', list(range(20, 40)))
    posted += clients(0).post('burst', list(range(40, 60)))
    claimers = [clients(n % 3) for n in range(9)]
    start = threading.Barrier(len(claimers))

    def claim_all(client: Client) -> list[str]:
        start.wait()
        held = []
        while True:
            claim_id, messages = client.claim('burst', limit=4)
            if claim_id is None:
                return held
            held.extend(message['id'] for message in messages)

    with concurrent.futures.ThreadPoolExecutor(len(claimers)) as pool:
        held = list(pool.map(claim_all, claimers))
    every = [message_id for ids in held for message_id in ids]
    assert sorted(every) == sorted(posted)  # all claimed, none twice
    assert sum(1 for ids in held if ids) > 1
    assert clients(1).counts('burst') == {
        'claimed': 60, 'free': 0, 'total': 60}


def list_all(client: Client, queue: str) -> list[int]:
    """Every message body of ``queue``, following the pages' links."""
    bodies = []
    path = '/v2/queues/%s/messages?limit=7&echo=true' % queue
    while path:
        status, page = client.call('GET', path)
        assert status == 200, page
        bodies.extend(message['body'] for message in page['messages'])
        path = page['links'][0]['href'] if page['messages'] else None
    return bodies


def test_fifo_order_is_the_same_on_every_server(clients):
    producers = [clients(n) for n in (0, 1, 2)]
    for start in range(0, 30, 5):
        producers[start // 5 % 3].post('fifo', list(range(start, start + 5)))
    for n in (0, 1, 2):
        assert list_all(clients(n), 'fifo') == list(range(30))
    _, first = clients(2).claim('fifo', limit=20)
    _, rest = clients(0).claim('fifo', limit=20)
    assert [m['body'] for m in first + rest] == list(range(30))


def test_projects_are_isolated_across_servers(clients, project):
    other = project + '-other'
    mine = clients(0).post('shared', ['mine'])
    theirs = clients(1, other).post('shared', ['theirs'])
    reader = clients(2, other)
    status, queues = reader.call('GET', '/v2/queues')
    assert [queue['name'] for queue in queues['queues']] == ['shared']
    assert reader.call('GET', '/v2/queues/shared/messages/' + mine[0]
                       )[0] == 404
    assert reader.call('DELETE', '/v2/queues/shared/messages/' + mine[0]
                       )[0] == 204
    _, claimed = reader.claim('shared')
    assert [message['id'] for message in claimed] == theirs
    assert reader.call('DELETE', '/v2/queues/shared')[0] == 204
    status, message = clients(2).call(
        'GET', '/v2/queues/shared/messages/' + mine[0])
    assert (status, message['body']) == (200, 'mine')
    assert clients(1).counts('shared') == {
        'claimed': 0, 'free': 1, 'total': 1}


def claimed_ids(client: Client, queue: str) -> list[str]:
    """The ids of one claim on ``queue`` (empty when nothing is free)."""
    return [message['id'] for message in client.claim(queue)[1]]


def test_delay_holds_across_servers(clients):
    delayed = clients(0).post('later', ['delayed'], delay=3)
    consumer = clients(1)
    assert claimed_ids(consumer, 'later') == []
    assert servers.wait_for(lambda: claimed_ids(consumer, 'later'), 15,
                            'the delayed message to be claimable') == delayed


def test_ttl_and_claim_expiry_hold_across_servers(clients):
    """Real time: the smallest TTLs the API allows are 60 s."""
    producer, first, second = clients(0), clients(1), clients(2)
    held = producer.post('held', ['held'])[0]
    claim_id, _ = first.claim('held', ttl=60, grace=60)
    short = producer.post('short', ['short'], ttl=60)[0]
    assert second.claim('held') == (None, [])

    message = '/v2/queues/short/messages/' + short
    servers.wait_for(lambda: second.call('GET', message)[0] == 404,
                     75, 'the 60 s message to expire', interval=0.5)
    # Fresh connections: the servers closed the ones idle for a minute.
    producer, first = clients(0), clients(1)
    claim = '/v2/queues/held/claims/' + claim_id
    servers.wait_for(lambda: producer.call('GET', claim)[0] == 404,
                     5, 'the 60 s claim to expire')
    status, _ = first.call('DELETE', '/v2/queues/held/messages/%s'
                           '?claim_id=%s' % (held, claim_id))
    assert status == 400  # an expired claim no longer holds the message
    assert claimed_ids(second, 'held') == [held]


# The Redis store as configured by an operator.

PASSWORD = 's3cret-pw'
RULE = '=' * 72


class UnixSocketRedis(redis_testing.RedisServer):
    """A redis-server that also listens on a unix socket in its directory."""

    @property
    def socket_path(self) -> str:
        return os.path.join(self.dir, 'redis.sock')

    def command(self) -> list[str]:
        return super().command() + ['--unixsocket', self.socket_path,
                                    '--unixsocketperm', '700']


def test_unix_socket_uri_with_password_serves_the_api(tmp_path, project):
    with UnixSocketRedis(password=PASSWORD) as redis:
        uri = 'unix://:%s@%s?db=0' % (PASSWORD, redis.socket_path)
        with servers.ZaqarServer(tmp_path, options=redis_options(uri)) as \
                server:
            client = Client(server, project)
            posted = client.post('local', ['a', 'b'])
            claim_id, messages = client.claim('local')
            assert [message['id'] for message in messages] == posted
            for message in messages:
                assert client.call('DELETE', message['href'])[0] == 204
            assert client.counts('local')['total'] == 0
            client.close()
        log = server.stderr()
    assert 'unix://:***@%s' % redis.socket_path in log
    assert PASSWORD not in log


def queues_section(report: str) -> str:
    """The body of the Queues section of a text report."""
    banner = '%s\n====%s====\n%s\n' % (RULE, 'Queues'.center(64), RULE)
    return report.split(banner, 1)[1].split('\n' + RULE + '\n', 1)[0]


def test_report_names_the_redis_store_with_its_password_masked(
        tmp_path, project):
    with redis_testing.RedisServer(password=PASSWORD) as redis:
        options = redis_options(redis.uri)
        with servers.ZaqarServer(tmp_path, options=options) as server:
            client = Client(server, project)
            client.post('reported', ['one', 'two', 'three'])
            client.claim('reported', limit=1)
            client.close()
            server.signal(signal.SIGUSR2)
            report = servers.wait_for(
                lambda: 'Transport'.center(64) in server.stderr()
                and server.stderr(),
                10, 'the report on stderr')
    section = queues_section(report).splitlines()
    assert 'driver = redis' in section
    assert ('location = redis://:***@127.0.0.1:%d/0' % redis.port
            in section)
    start = section.index('  %s = ' % project) + 1
    assert section[start:start + 5] == [
        '    queues = 1', '    total = 3', '    claimed = 1', '    free = 2',
        '    delayed = 0']
    assert PASSWORD not in report
