"""A zaqar-lite-server whose Redis goes away, hangs, or is not there yet.

While Redis is down every request that needs it is a 503 with the API's
"try again" error and /v2/ping is 503; once Redis is back the server
serves again by itself, and everything it acknowledged before is there
(Redis configured as the README recommends: appendonly with fsync always).
A Redis that stops answering costs a request ``socket_timeout`` seconds
and a 503, never a reply meant for another request. A report asked for
during an outage is complete and shows no password. A full Redis
(``maxmemory-policy noeviction``) refuses posts with the same 503 and
lets consumers drain it.
"""

from __future__ import annotations

import concurrent.futures
import signal
import threading
from typing import Any

import pytest
import redis as redis_py

from tests import redis_server as redis_testing
from tests.functional import servers
from tests.functional.conftest import redis_options

UNAVAILABLE = {
    'title': 'Service temporarily unavailable',
    'description': 'The storage backend is not available. '
                   'Please try again in a few seconds.',
}


@pytest.fixture
def redis() -> redis_testing.RedisServer:
    """A durable redis-server of the test's own: it will be stopped."""
    with redis_testing.RedisServer(fsync_always=True) as server:
        yield server


@pytest.fixture
def server(redis, tmp_path) -> servers.ZaqarServer:
    """A zaqar-lite-server on that Redis."""
    with servers.ZaqarServer(tmp_path / 'server',
                             options=redis_options(redis.uri)) as server:
        yield server


def call(server: servers.ZaqarServer, method: str, path: str,
         body: Any = None, project: str = 'outage') -> tuple[int, Any]:
    """One request as project ``outage``: (status, JSON or None)."""
    return servers.call(server.port, method, path, project, body)


def post(server: servers.ZaqarServer, queue: str, bodies: list) -> list[str]:
    """Post a batch and expect it acknowledged; the new ids."""
    status, reply = call(server, 'POST', '/v2/queues/%s/messages' % queue,
                         {'messages': [{'body': b} for b in bodies]})
    assert status == 201, reply
    return [href.rsplit('/', 1)[1] for href in reply['resources']]


def acknowledged_state(server: servers.ZaqarServer) -> dict:
    """Write some state and return what the server acknowledged: posted
    ids, a claim and what it holds, a deleted id."""
    posted = []
    for start in range(0, 60, 20):
        posted += post(server, 'kept', list(range(start, start + 20)))
    status, claim = call(server, 'POST', '/v2/queues/kept/claims?limit=5',
                         {'ttl': 600, 'grace': 60})
    assert status == 201, claim
    deleted = posted.pop()
    assert call(server, 'DELETE',
                '/v2/queues/kept/messages/' + deleted)[0] == 204
    claim_id = claim['messages'][0]['href'].split('claim_id=')[1]
    return {'posted': posted, 'deleted': deleted,
            'claim': '/v2/queues/kept/claims/' + claim_id,
            'held': [m['id'] for m in claim['messages']]}


def listed_ids(server: servers.ZaqarServer, queue: str) -> list[str]:
    """Every message id of ``queue``, claimed ones included, in order."""
    ids, path = [], ('/v2/queues/%s/messages?limit=20&echo=true'
                     '&include_claimed=true' % queue)
    while path:
        status, page = call(server, 'GET', path)
        assert status == 200, page
        ids.extend(message['id'] for message in page['messages'])
        path = page['links'][0]['href'] if page['messages'] else None
    return ids


def assert_unavailable(server: servers.ZaqarServer) -> None:
    """Requests needing Redis are 503 with the API's error; ping is 503."""
    status, error = call(server, 'POST', '/v2/queues/kept/messages',
                         {'messages': [{'body': 'lost?'}]})
    assert (status, error) == (503, UNAVAILABLE)
    assert call(server, 'GET', '/v2/queues/kept/stats') == (503, UNAVAILABLE)
    assert call(server, 'GET', '/v2/ping')[0] == 503
    assert call(server, 'HEAD', '/v2/ping')[0] == 503
    status, health = call(server, 'GET', '/v2/health')
    assert (status, health['storage_reachable']) == (200, False)


def post_claim_delete(server: servers.ZaqarServer, queue: str) -> None:
    """Post a message, claim it and delete it with its claim."""
    post(server, queue, ['again'])
    status, claim = call(server, 'POST', '/v2/queues/%s/claims' % queue,
                         {'ttl': 60, 'grace': 60})
    assert status == 201, claim
    href = claim['messages'][0]['href']
    assert call(server, 'DELETE', href)[0] == 204


def assert_serving(server: servers.ZaqarServer) -> None:
    """Concurrent requests all succeed: no stale pooled connection and no
    forgotten script makes any of them fail after Redis came back."""
    queues = ['after-%d' % n for n in range(8)]
    with concurrent.futures.ThreadPoolExecutor(len(queues)) as pool:
        list(pool.map(lambda queue: post_claim_delete(server, queue),
                      queues))


@pytest.mark.parametrize('how', ['stop', 'kill'])
def test_outage_is_503_then_the_server_recovers_with_nothing_lost(
        server, redis, how):
    assert_serving(server)  # several pooled connections before the outage
    before = acknowledged_state(server)
    getattr(redis, how)()
    assert_unavailable(server)
    assert server.process.poll() is None  # the server stays up

    redis.start()  # same port, same directory: the AOF comes back
    servers.wait_for(lambda: servers.ping(server.port) == 204, 20,
                     'the server to see Redis again')
    assert listed_ids(server, 'kept') == before['posted']
    status, claim = call(server, 'GET', before['claim'])
    assert status == 200, claim
    assert [m['id'] for m in claim['messages']] == before['held']
    assert call(server, 'GET', '/v2/queues/kept/messages/'
                + before['deleted'])[0] == 404
    assert_serving(server)


def test_server_started_before_redis_serves_once_redis_is_up(tmp_path):
    redis = redis_testing.RedisServer(fsync_always=True)  # not started
    server = servers.ZaqarServer(tmp_path, options=redis_options(redis.uri))
    starting = threading.Thread(target=server.start)
    starting.start()
    try:
        servers.wait_for(lambda: server.process and reachable(server), 20,
                         'the server to listen')
        assert_unavailable(server)
        redis.start()
        starting.join()  # start() returns once /v2/ping is 204
        assert server.process.poll() is None
        assert_serving(server)
    finally:
        starting.join()
        server.stop()
        redis.cleanup()


def reachable(server: servers.ZaqarServer) -> bool:
    """Whether the server answers HTTP at all (whatever the status)."""
    try:
        servers.ping(server.port)
        return True
    except OSError:
        return False


def test_hung_redis_is_503_after_the_timeout_and_replies_never_mix(
        redis, tmp_path):
    options = redis_options(redis.uri)
    options['drivers:message_store:redis']['socket_timeout'] = 0.5
    with servers.ZaqarServer(tmp_path, options=options) as server:
        post(server, 'two', [1, 2])
        post(server, 'three', [1, 2, 3])
        assert_serving(server)
        redis.process.send_signal(signal.SIGSTOP)
        try:
            assert call(server, 'GET', '/v2/queues/two/stats') == (
                503, UNAVAILABLE)
            assert call(server, 'GET', '/v2/ping')[0] == 503
        finally:
            redis.process.send_signal(signal.SIGCONT)
        servers.wait_for(lambda: servers.ping(server.port) == 204, 20,
                         'the server to see Redis again')
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            totals = list(pool.map(
                lambda queue: total(server, queue), ['two', 'three'] * 20))
    assert totals == [2, 3] * 20


def total(server: servers.ZaqarServer, queue: str) -> int:
    """The number of messages in ``queue``."""
    status, stats = call(server, 'GET', '/v2/queues/%s/stats' % queue)
    assert status == 200, stats
    return stats['messages']['total']


def test_report_during_an_outage_is_complete_and_masks_the_password(
        tmp_path):
    password = 'outage-s3cret'
    with redis_testing.RedisServer(password=password) as redis:
        with servers.ZaqarServer(tmp_path, options=redis_options(
                redis.uri)) as server:
            redis.stop()
            server.signal(signal.SIGUSR2)
            servers.wait_for(lambda: 'Transport'.center(64) in
                             server.stderr(), 10, 'the report on stderr')
            assert servers.ping(server.port) == 503  # still serving
            report = server.stderr()
    queues = report.split('Queues'.center(64), 1)[1].split(
        'Transport'.center(64), 1)[0]
    # The section says what failed, and still names driver and location.
    assert 'storage unavailable' in queues
    assert 'driver = redis' in queues
    assert 'location = redis://:***@127.0.0.1:' in queues
    assert password not in report


def test_full_redis_refuses_posts_with_503_and_consumers_drain_it(
        server, redis):
    posted = post(server, 'full', list(range(20)))
    admin = redis_py.Redis.from_url(redis.uri)
    admin.config_set('maxmemory-policy', 'noeviction')
    admin.config_set('maxmemory', 1)  # over the limit at once
    try:
        status, error = call(server, 'POST', '/v2/queues/full/messages',
                             {'messages': [{'body': 'too much'}]})
        assert (status, error) == (503, UNAVAILABLE)
        status, claim = call(server, 'POST', '/v2/queues/full/claims'
                             '?limit=10', {'ttl': 60, 'grace': 60})
        assert status == 201, claim
        for message in claim['messages']:
            assert call(server, 'DELETE', message['href'])[0] == 204
        assert listed_ids(server, 'full') == posted[10:]
    finally:
        admin.config_set('maxmemory', 0)
        admin.close()
    assert len(post(server, 'full', ['room again'])) == 1
