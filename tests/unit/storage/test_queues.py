"""Contract: queues (create, exists, list, metadata, delete, purge, stats)."""

import pytest

from zaqar_lite.storage import errors
from tests.unit.storage import utils
from tests.unit.storage.utils import PROJECT, QUEUE


def test_create_returns_true_then_false_and_keeps_metadata(driver):
    assert driver.queues.create(PROJECT, QUEUE, {'a': 1}) is True
    assert driver.queues.create(PROJECT, QUEUE, {'a': 2}) is False
    assert driver.queues.get_metadata(PROJECT, QUEUE) == {'a': 1}


def test_exists_after_create_or_post_only(driver):
    assert not driver.queues.exists(PROJECT, QUEUE)
    driver.queues.create(PROJECT, QUEUE)
    utils.post(driver, 1, queue='posted')
    assert driver.queues.exists(PROJECT, QUEUE)
    assert driver.queues.exists(PROJECT, 'posted')
    assert driver.queues.get_metadata(PROJECT, 'posted') == {}


def test_list_pages_in_name_order_with_marker(driver):
    names = ['q%02d' % i for i in range(7)]
    for name in reversed(names):
        driver.queues.create(PROJECT, name, {'name': name})
    seen, marker = [], None
    while True:
        page, marker = driver.queues.list(PROJECT, marker=marker, limit=3)
        if not page:
            break
        assert all(set(queue) == {'name'} for queue in page)
        seen.extend(queue['name'] for queue in page)
    assert seen == names
    assert marker is None


def test_list_detailed_includes_metadata(driver):
    driver.queues.create(PROJECT, 'a', {'x': [1, 2]})
    driver.queues.create(PROJECT, 'b')
    page, marker = driver.queues.list(PROJECT, detailed=True)
    assert page == [{'name': 'a', 'metadata': {'x': [1, 2]}},
                    {'name': 'b', 'metadata': {}}]
    assert marker is not None


def test_count(driver):
    assert driver.queues.count(PROJECT) == 0
    for name in ('a', 'b', 'c'):
        driver.queues.create(PROJECT, name)
    assert driver.queues.count(PROJECT) == 3


def test_set_metadata_replaces_it(driver):
    driver.queues.create(PROJECT, QUEUE, {'a': 1, 'b': 2})
    driver.queues.set_metadata(PROJECT, QUEUE, {'c': {'d': None}})
    assert driver.queues.get_metadata(PROJECT, QUEUE) == {'c': {'d': None}}


def test_metadata_of_missing_queue_raises(driver):
    with pytest.raises(errors.QueueDoesNotExist):
        driver.queues.get_metadata(PROJECT, QUEUE)
    with pytest.raises(errors.QueueDoesNotExist):
        driver.queues.set_metadata(PROJECT, QUEUE, {'a': 1})
    assert not driver.queues.exists(PROJECT, QUEUE)


def test_delete_removes_queue_messages_and_claims(driver):
    ids = utils.post(driver, 3)
    claim_id, _ = driver.claims.create(PROJECT, QUEUE, 60, 60, 2)
    driver.queues.delete(PROJECT, QUEUE)
    assert not driver.queues.exists(PROJECT, QUEUE)
    assert driver.messages.bulk_get(PROJECT, QUEUE, ids) == []
    with pytest.raises(errors.ClaimDoesNotExist):
        driver.claims.get(PROJECT, QUEUE, claim_id)
    driver.queues.create(PROJECT, QUEUE)
    assert utils.listed(driver, include_claimed=True) == []


def test_delete_missing_queue_is_fine(driver):
    driver.queues.delete(PROJECT, 'missing')
    assert not driver.queues.exists(PROJECT, 'missing')


def test_purge_keeps_queue_and_metadata(driver):
    driver.queues.create(PROJECT, QUEUE, {'keep': True})
    utils.post(driver, 3)
    claim_id, _ = driver.claims.create(PROJECT, QUEUE, 60, 60, 1)
    driver.queues.purge(PROJECT, QUEUE)
    assert driver.queues.get_metadata(PROJECT, QUEUE) == {'keep': True}
    assert driver.queues.stats(PROJECT, QUEUE)['total'] == 0
    with pytest.raises(errors.ClaimDoesNotExist):
        driver.claims.get(PROJECT, QUEUE, claim_id)


def test_stats_of_missing_queue_are_zeros(driver):
    assert driver.queues.stats(PROJECT, 'missing') == {
        'total': 0, 'claimed': 0, 'free': 0, 'delayed': 0,
        'oldest': None, 'newest': None}


def test_stats_count_claimed_free_delayed(driver, clock):
    ids = utils.post(driver, 4)
    clock.advance(5)
    utils.post(driver, 2, delay=60)
    driver.claims.create(PROJECT, QUEUE, 60, 60, 3)
    stats = driver.queues.stats(PROJECT, QUEUE)
    assert (stats['total'], stats['claimed'], stats['free'],
            stats['delayed']) == (6, 3, 3, 2)
    assert stats['oldest']['id'] == ids[0]
    assert stats['oldest']['age'] == 5
    assert stats['oldest']['created'] == pytest.approx(clock() - 5)
    assert stats['newest']['age'] == 0


def test_stats_ignore_expired_messages(driver, clock):
    utils.post(driver, 2, ttl=60)
    clock.advance(30)
    newer = utils.post(driver, 1, ttl=60)
    clock.advance(30)
    stats = driver.queues.stats(PROJECT, QUEUE)
    assert stats['total'] == 1
    assert stats['oldest']['id'] == stats['newest']['id'] == newer[0]
