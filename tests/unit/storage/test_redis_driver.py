"""Redis driver beyond the contract: outages, restarts, servers sharing one
Redis, key isolation, masking, round trips; each test on a real server."""

import concurrent.futures
import contextlib
import multiprocessing
import threading
import time

import pytest
import redis as redis_py

from tests import redis_server
from tests.unit.storage import conftest
from tests.unit.storage import utils
from tests.unit.storage.utils import PROJECT, QUEUE, READER
from zaqar_lite.storage import errors
from zaqar_lite.storage import redis
from zaqar_lite.storage.redis import keys

server = redis_server.redis_server_fixture(fsync_always=True)


def make_driver(uri: str, clock=time.time,
                timeout: float = 5.0) -> redis.DataDriver:
    conf = conftest.redis_conf(uri)
    conf.set_override('socket_timeout', timeout,
                      group='drivers:message_store:redis')
    return redis.DataDriver(conf, clock=clock)


@pytest.fixture
def driver(server, clock):
    data_driver = make_driver(server.uri, clock)
    yield data_driver
    data_driver.close()


def wait_for(condition, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, 'condition not met in time'
        time.sleep(0.01)


#: One call of every kind of operation, each needing the store.
OPERATIONS = {
    'queue_list': lambda d: d.queues.list(PROJECT),
    'queue_count': lambda d: d.queues.count(PROJECT),
    'queue_create': lambda d: d.queues.create(PROJECT, 'new'),
    'queue_exists': lambda d: d.queues.exists(PROJECT, QUEUE),
    'queue_metadata': lambda d: d.queues.get_metadata(PROJECT, QUEUE),
    'queue_set_metadata': lambda d: d.queues.set_metadata(PROJECT, QUEUE,
                                                          {}),
    'queue_delete': lambda d: d.queues.delete(PROJECT, QUEUE),
    'queue_purge': lambda d: d.queues.purge(PROJECT, QUEUE),
    'queue_stats': lambda d: d.queues.stats(PROJECT, QUEUE),
    'message_post': lambda d: utils.post(d, 2),
    'message_list': lambda d: d.messages.list(PROJECT, QUEUE, READER),
    'message_get': lambda d: d.messages.get(PROJECT, QUEUE, 'x'),
    'message_bulk_get': lambda d: d.messages.bulk_get(PROJECT, QUEUE, ['x']),
    'message_delete': lambda d: d.messages.delete(PROJECT, QUEUE, 'x'),
    'message_bulk_delete': lambda d: d.messages.bulk_delete(PROJECT, QUEUE,
                                                            ['x'], ['c']),
    'message_pop': lambda d: d.messages.pop(PROJECT, QUEUE, 2),
    'claim_create': lambda d: d.claims.create(PROJECT, QUEUE, 60, 60, 2),
    'claim_get': lambda d: d.claims.get(PROJECT, QUEUE, 'c'),
    'claim_update': lambda d: d.claims.update(PROJECT, QUEUE, 'c', 60, 60),
    'claim_delete': lambda d: d.claims.delete(PROJECT, QUEUE, 'c'),
    'overview': lambda d: d.overview(),
    'gc': lambda d: d.gc(),
}


@pytest.fixture(scope='module')
def stopped_uri():
    """The URI of a redis-server that held a queue and was stopped."""
    with redis_server.RedisServer() as stopped:
        with contextlib.closing(make_driver(stopped.uri)) as before:
            before.queues.create(PROJECT, QUEUE)
        stopped.stop()
        yield stopped.uri


@pytest.mark.parametrize('operation', sorted(OPERATIONS))
def test_every_operation_is_unavailable_when_redis_is_down(stopped_uri,
                                                           operation):
    with contextlib.closing(make_driver(stopped_uri)) as down:
        assert down.is_alive() is False
        with pytest.raises(errors.ServiceUnavailable):
            OPERATIONS[operation](down)


def test_recovers_after_a_crash_with_acknowledged_data(server, driver):
    ids = utils.post(driver, 3)
    claim_id, _ = driver.claims.create(PROJECT, QUEUE, 60, 60, 1)
    server.kill()
    with pytest.raises(errors.ServiceUnavailable):
        utils.post(driver, 1)
    server.start()
    assert driver.is_alive()
    # The same driver, its old connections dead and its scripts unknown to
    # the new process (NOSCRIPT): both recovered without help.
    assert utils.listed(driver, include_claimed=True) == ids
    claim, held = driver.claims.get(PROJECT, QUEUE, claim_id)
    assert [m['id'] for m in held] == ids[:1]
    assert [m['id'] for m in driver.messages.pop(PROJECT, QUEUE, 5)] == \
        ids[1:]


def test_a_stalled_redis_times_out_as_unavailable(server):
    stalled = make_driver(server.uri, timeout=0.2)
    utils.post(stalled, 1)
    admin = redis_py.Redis.from_url(server.uri)
    # Writes wait (as while Redis is busy): the pop times out.
    admin.execute_command('CLIENT', 'PAUSE', 2000, 'WRITE')
    try:
        with pytest.raises(errors.ServiceUnavailable):
            stalled.messages.pop(PROJECT, QUEUE, 1)
    finally:
        admin.execute_command('CLIENT', 'UNPAUSE')
        admin.close()
    wait_for(stalled.is_alive)
    assert len(stalled.messages.pop(PROJECT, QUEUE, 5)) == 1
    stalled.close()


def test_wrong_password_is_unavailable_and_location_is_masked():
    with redis_server.RedisServer(password='s3cret') as secured:
        good = make_driver(secured.uri)
        bad = make_driver(secured.uri.replace('s3cret', 'wrong'))
        try:
            assert good.queues.create(PROJECT, QUEUE)
            assert good.location() == \
                'redis://:***@127.0.0.1:%d/0' % secured.port
            assert bad.is_alive() is False
            with pytest.raises(errors.ServiceUnavailable):
                bad.queues.exists(PROJECT, QUEUE)
            assert 's3cret' not in bad.location()
        finally:
            good.close()
            bad.close()


def _claim_all(uri: str, clock) -> list[str]:
    """One "server": its own driver, claiming until nothing is left."""
    own = make_driver(uri, clock)
    taken: list[str] = []
    for _ in range(100):
        claim_id, found = own.claims.create(PROJECT, QUEUE, 60, 60, 3)
        if claim_id is None:
            break
        taken.extend(m['id'] for m in found)
    own.close()
    return taken


def test_claims_from_many_drivers_never_share_a_message(
        server, driver, clock):
    ids = utils.post(driver, 200)
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        results = list(pool.map(_claim_all, [server.uri] * 8, [clock] * 8))
    taken = [mid for result in results for mid in result]
    assert sorted(taken) == sorted(ids)
    assert sum(1 for result in results if result) > 1


def _fork_pop(driver, results) -> None:
    results.put([m['id'] for m in driver.messages.pop(PROJECT, QUEUE, 20)])


def test_forked_processes_get_their_own_connections(server):
    # A driver used before fork, as uWSGI does when it loads the app first.
    shared = make_driver(server.uri)
    ids = utils.post(shared, 40)
    context = multiprocessing.get_context('fork')
    results = context.Queue()
    children = [context.Process(target=_fork_pop, args=(shared, results))
                for _ in range(2)]
    for child in children:
        child.start()
    popped = [results.get(timeout=10) for _ in children]
    for child in children:
        child.join(timeout=10)
        assert child.exitcode == 0
    assert sorted(popped[0] + popped[1]) == sorted(ids)
    # The parent's pooled connection still works after the children left.
    assert shared.queues.stats(PROJECT, QUEUE)['total'] == 0
    shared.close()


TRICKY_PROJECTS = ['a', 'a/b', 'a%2Fb', '', 'x:y', '{a}', 'p p', 'é/ü',
                   'n' * 256]


def test_tricky_project_names_never_collide(driver):
    for index, project in enumerate(TRICKY_PROJECTS):
        utils.post(driver, index + 1, project=project, queue='q')
    utils.post(driver, 1, project='a', queue='b')
    for index, project in enumerate(TRICKY_PROJECTS):
        assert len(utils.listed(driver, project=project, queue='q')) == \
            index + 1
        assert 'q' in [q['name'] for q in driver.queues.list(project)[0]]
    overview = driver.overview()
    assert set(overview) == set(TRICKY_PROJECTS)
    assert overview['a'] == {'queues': 2, 'total': 2, 'claimed': 0,
                             'free': 2, 'delayed': 0}
    driver.queues.delete('a/b', 'q')
    assert 'a/b' not in driver.overview()
    assert driver.queues.stats('a', 'q')['total'] == 1


def test_fractional_times_keep_their_precision(driver, clock):
    clock.advance(0.123456)
    utils.post(driver, 1, ttl=60)
    clock.advance(60 - 1e-6)
    assert len(utils.listed(driver)) == 1
    clock.advance(1e-6)
    assert utils.listed(driver) == []


def test_gc_leaves_no_key_of_expired_messages_and_claims(server, driver,
                                                         clock):
    utils.post(driver, 5, ttl=60)
    driver.claims.create(PROJECT, QUEUE, 60, 60, 2)
    clock.advance(200)
    assert driver.gc() == 5
    # Only the queue itself and the project indexes remain.
    assert set(driver.connection.client.keys()) == {
        (keys.queue_prefix(PROJECT, QUEUE) + ':q').encode(),
        keys.PROJECTS.encode(),
        keys.project_queues(keys.encode(PROJECT)).encode()}
    assert driver.queues.exists(PROJECT, QUEUE)


def _client_commands(uri: str, operation, client,
                     source: str = 'client') -> list[str]:
    """The commands Redis receives from clients (or, with ``source='lua'``,
    those its scripts run) while ``operation()`` runs, as MONITOR shows
    them; ``client`` then marks the end."""
    seen: list[str] = []
    monitor_client = redis_py.Redis.from_url(uri)
    with monitor_client.monitor() as monitor:
        operation()
        client.echo('end-of-operation')
        for event in monitor.listen():
            if 'end-of-operation' in event['command']:
                break
            if (event['client_type'] == 'lua') == (source == 'lua'):
                seen.append(event['command'].split()[0])
    monitor_client.close()
    return seen


@pytest.mark.parametrize('operation', [
    lambda d, ids: utils.post(d, 10),
    lambda d, ids: d.claims.create(PROJECT, QUEUE, 60, 60, 10),
    lambda d, ids: d.messages.bulk_delete(PROJECT, QUEUE, ids),
    lambda d, ids: d.messages.pop(PROJECT, QUEUE, 10),
], ids=['post', 'claim', 'bulk_delete', 'pop'])
def test_batch_operations_are_one_round_trip(server, driver, operation):
    ids = utils.post(driver, 20)
    operation(driver, ids[:10])     # loads the script into Redis
    assert _client_commands(server.uri, lambda: operation(driver, ids[10:]),
                            driver.connection.client) == ['EVALSHA']


def test_overview_and_is_alive_from_another_thread(driver):
    utils.post(driver, 3)
    driver.claims.create(PROJECT, QUEUE, 60, 60, 1)
    seen = {}
    thread = threading.Thread(target=lambda: seen.update(
        alive=driver.is_alive(), overview=driver.overview()))
    thread.start()
    thread.join(timeout=10)
    assert seen == {'alive': True, 'overview': {PROJECT: {
        'queues': 1, 'total': 3, 'claimed': 1, 'free': 2, 'delayed': 0}}}


def test_server_helper_restart_keeps_port_and_data(server):
    client = redis_py.Redis.from_url(server.uri)
    client.set('k', 'v')
    port = server.port
    server.restart(kill=True)
    assert server.port == port
    assert client.get('k') == b'v'
    client.close()


def test_claims_pops_and_pages_skip_a_backlog_of_held_messages(server,
                                                               driver):
    utils.post(driver, 520)     # 500 held, then 20 free
    for _ in range(25):
        driver.claims.create(PROJECT, QUEUE, 60, 60, 20)
    client = driver.connection.client
    for operation in (
            lambda: driver.messages.list(PROJECT, QUEUE, READER),
            lambda: driver.claims.create(PROJECT, QUEUE, 60, 60, 10),
            lambda: driver.messages.pop(PROJECT, QUEUE, 10)):
        run = _client_commands(server.uri, operation, client, source='lua')
        # One read per message returned, not one per held message.
        assert run.count('HMGET') == 10


def test_claims_pops_and_pages_skip_a_backlog_of_delayed_messages(
        server, driver, clock):
    delayed = utils.post(driver, 500, delay=900)
    ready = utils.post(driver, 30, first=500)
    client = driver.connection.client
    for operation in (
            lambda: driver.messages.list(PROJECT, QUEUE, READER),
            lambda: driver.claims.create(PROJECT, QUEUE, 60, 60, 10),
            lambda: driver.messages.pop(PROJECT, QUEUE, 10)):
        run = _client_commands(server.uri, operation, client, source='lua')
        # One read per message returned, not one per delayed message.
        assert run.count('HMGET') == 10
    clock.advance(900)
    # Once their delay is over they come first again, in FIFO order.
    assert utils.listed(driver, limit=20)[:501] == delayed + ready[:1]


def test_a_full_redis_refuses_whole_posts_and_lets_consumers_drain(driver):
    posted = utils.post(driver, 30)
    client = driver.connection.client
    client.config_set('maxmemory-policy', 'noeviction')
    client.config_set('maxmemory', 1)   # over the limit at once
    try:
        with pytest.raises(errors.ServiceUnavailable):
            utils.post(driver, 10, first=30)
        assert utils.listed(driver) == posted   # nothing of the batch
        claim_id, claimed = driver.claims.create(PROJECT, QUEUE, 60, 60, 10)
        driver.messages.bulk_delete(PROJECT, QUEUE,
                                    [m['id'] for m in claimed], [claim_id])
        assert len(driver.messages.pop(PROJECT, QUEUE, 10)) == 10
        assert utils.listed(driver) == posted[20:]
    finally:
        client.config_set('maxmemory', 0)
    assert len(utils.post(driver, 10)) == 10
