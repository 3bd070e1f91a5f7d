"""Contract: messages (post, list, get, delete, pop)."""

import pytest

from zaqar_lite.storage import errors
from tests.unit.storage import utils
from tests.unit.storage.utils import PROJECT, QUEUE, READER, WRITER

MESSAGE_KEYS = {'id', 'ttl', 'age', 'body', 'claim_id', 'claim_count',
                'created'}


def test_post_returns_ids_in_order_and_creates_queue(driver):
    ids = utils.post(driver, 5)
    assert len(set(ids)) == 5
    assert driver.queues.exists(PROJECT, QUEUE)
    assert utils.listed(driver) == ids


def test_post_stores_any_json_body(driver, clock):
    bodies = [None, 1, 'text', [1, {'a': None}], {'é': [True, 2.5]}]
    ids = driver.messages.post(
        PROJECT, QUEUE, [{'body': b, 'ttl': 120} for b in bodies], WRITER)
    message = driver.messages.get(PROJECT, QUEUE, ids[4])
    assert set(message) == MESSAGE_KEYS
    assert message['body'] == {'é': [True, 2.5]}
    assert (message['ttl'], message['age'], message['claim_id'],
            message['claim_count']) == (120, 0, None, 0)
    assert message['created'] == pytest.approx(clock())
    got = driver.messages.bulk_get(PROJECT, QUEUE, ids)
    assert [m['body'] for m in got] == bodies


def test_post_is_atomic(driver):
    bad = [{'body': 1, 'ttl': 60}, {'body': {1, 2}, 'ttl': 60}]
    with pytest.raises(TypeError):
        driver.messages.post(PROJECT, QUEUE, bad, WRITER)
    assert utils.listed(driver) == []


def test_list_is_fifo_across_posts_and_pages(driver):
    ids = utils.post(driver, 4) + utils.post(driver, 3, first=4)
    assert utils.listed(driver, limit=3) == ids
    page, marker = driver.messages.list(PROJECT, QUEUE, READER, limit=5)
    assert [m['body']['n'] for m in page] == [0, 1, 2, 3, 4]
    page, marker = driver.messages.list(PROJECT, QUEUE, READER,
                                        marker=marker, limit=5)
    assert [m['body']['n'] for m in page] == [5, 6]
    page, end = driver.messages.list(PROJECT, QUEUE, READER, marker=marker)
    assert (page, end) == ([], None)


def test_marker_sees_messages_posted_after_it(driver):
    utils.post(driver, 2)
    _, marker = driver.messages.list(PROJECT, QUEUE, READER)
    later = utils.post(driver, 1)
    page, _ = driver.messages.list(PROJECT, QUEUE, READER, marker=marker)
    assert [m['id'] for m in page] == later


@pytest.mark.parametrize('marker', ['', 'junk', '-5', '1e3', '9' * 40])
def test_unparsable_marker_starts_from_the_beginning(driver, marker):
    ids = utils.post(driver, 3)
    page, _ = driver.messages.list(PROJECT, QUEUE, READER, marker=marker)
    assert [m['id'] for m in page] == ids


def test_echo_shows_own_messages(driver):
    ids = utils.post(driver, 2)
    assert utils.listed(driver, client_id=WRITER) == []
    assert utils.listed(driver, client_id=WRITER, echo=True) == ids


def test_claimed_messages_listed_only_on_request(driver):
    ids = utils.post(driver, 3)
    claim_id, _ = driver.claims.create(PROJECT, QUEUE, 60, 60, 1)
    assert utils.listed(driver) == ids[1:]
    page, _ = driver.messages.list(PROJECT, QUEUE, READER,
                                   include_claimed=True)
    assert [m['id'] for m in page] == ids
    assert [m['claim_id'] for m in page] == [claim_id, None, None]


def test_delayed_messages_hidden_until_their_delay_passes(driver, clock):
    delayed = utils.post(driver, 1, delay=30)
    ready = utils.post(driver, 1)
    assert utils.listed(driver) == ready
    assert utils.listed(driver, include_delayed=True) == delayed + ready
    assert driver.messages.get(PROJECT, QUEUE, delayed[0])['id']
    clock.advance(29)
    assert utils.listed(driver) == ready
    clock.advance(1)
    assert utils.listed(driver) == delayed + ready


def test_message_expires_at_its_ttl(driver, clock):
    ids = utils.post(driver, 1, ttl=60)
    clock.advance(59)
    assert driver.messages.get(PROJECT, QUEUE, ids[0])['age'] == 59
    clock.advance(1)
    assert utils.listed(driver, include_claimed=True) == []
    with pytest.raises(errors.MessageDoesNotExist):
        driver.messages.get(PROJECT, QUEUE, ids[0])
    assert driver.messages.bulk_get(PROJECT, QUEUE, ids) == []
    assert driver.messages.pop(PROJECT, QUEUE, 5) == []
    assert driver.claims.create(PROJECT, QUEUE, 60, 60, 5) == (None, [])


def test_get_unknown_or_other_queue_raises(driver):
    ids = utils.post(driver, 1)
    with pytest.raises(errors.MessageDoesNotExist):
        driver.messages.get(PROJECT, QUEUE, 'f' * 32)
    with pytest.raises(errors.MessageDoesNotExist):
        driver.messages.get(PROJECT, 'other', ids[0])


def test_bulk_get_skips_unknown_ids_and_keeps_fifo(driver):
    ids = utils.post(driver, 3)
    got = driver.messages.bulk_get(PROJECT, QUEUE,
                                   [ids[2], 'unknown', ids[0]])
    assert [m['id'] for m in got] == [ids[0], ids[2]]


def test_delete_free_message(driver):
    ids = utils.post(driver, 2)
    driver.messages.delete(PROJECT, QUEUE, ids[0])
    driver.messages.delete(PROJECT, QUEUE, ids[0])
    driver.messages.delete(PROJECT, QUEUE, 'unknown', claim_id='c')
    assert utils.listed(driver) == ids[1:]


def test_delete_claimed_message_needs_its_claim(driver):
    ids = utils.post(driver, 1)
    claim_id, _ = driver.claims.create(PROJECT, QUEUE, 60, 60, 1)
    with pytest.raises(errors.MessageIsClaimed):
        driver.messages.delete(PROJECT, QUEUE, ids[0])
    with pytest.raises(errors.MessageNotClaimedBy):
        driver.messages.delete(PROJECT, QUEUE, ids[0], claim_id='f' * 32)
    driver.messages.delete(PROJECT, QUEUE, ids[0], claim_id=claim_id)
    with pytest.raises(errors.MessageDoesNotExist):
        driver.messages.get(PROJECT, QUEUE, ids[0])


def test_delete_with_claim_id_of_free_message_raises(driver):
    ids = utils.post(driver, 1)
    with pytest.raises(errors.MessageNotClaimedBy):
        driver.messages.delete(PROJECT, QUEUE, ids[0], claim_id='f' * 32)
    assert utils.listed(driver) == ids


def test_delete_with_expired_claim_raises(driver, clock):
    ids = utils.post(driver, 1)
    claim_id, _ = driver.claims.create(PROJECT, QUEUE, 60, 60, 1)
    clock.advance(60)
    with pytest.raises(errors.MessageNotClaimedBy):
        driver.messages.delete(PROJECT, QUEUE, ids[0], claim_id=claim_id)
    driver.messages.delete(PROJECT, QUEUE, ids[0])
    assert utils.listed(driver) == []


def test_bulk_delete_without_claim_ids_ignores_claims(driver):
    ids = utils.post(driver, 4)
    driver.claims.create(PROJECT, QUEUE, 60, 60, 1)
    driver.messages.bulk_delete(PROJECT, QUEUE, ids[:2] + ['unknown'])
    assert utils.listed(driver, include_claimed=True) == ids[2:]


def test_bulk_delete_with_claim_ids(driver):
    ids = utils.post(driver, 4)
    first, _ = driver.claims.create(PROJECT, QUEUE, 60, 60, 1)
    second, _ = driver.claims.create(PROJECT, QUEUE, 60, 60, 1)
    driver.messages.bulk_delete(PROJECT, QUEUE, ids[:2] + ['unknown'],
                                claim_ids=[first, second])
    assert utils.listed(driver, include_claimed=True) == ids[2:]


def test_bulk_delete_with_claim_ids_is_all_or_nothing(driver):
    ids = utils.post(driver, 3)
    claim_id, _ = driver.claims.create(PROJECT, QUEUE, 60, 60, 2)
    with pytest.raises(errors.MessageNotClaimedBy):
        driver.messages.bulk_delete(PROJECT, QUEUE, ids,
                                    claim_ids=[claim_id])
    with pytest.raises(errors.MessageNotClaimedBy):
        driver.messages.bulk_delete(PROJECT, QUEUE, ids[:2],
                                    claim_ids=['f' * 32])
    assert utils.listed(driver, include_claimed=True) == ids


def test_pop_takes_oldest_free_messages(driver):
    ids = utils.post(driver, 5)
    utils.post(driver, 1, delay=60)
    driver.claims.create(PROJECT, QUEUE, 60, 60, 1)
    popped = driver.messages.pop(PROJECT, QUEUE, 3)
    assert [m['id'] for m in popped] == ids[1:4]
    assert all(set(m) == MESSAGE_KEYS for m in popped)
    assert [m['id'] for m in driver.messages.pop(PROJECT, QUEUE, 5)] == [
        ids[4]]
    assert driver.messages.pop(PROJECT, QUEUE, 5) == []
    assert driver.queues.stats(PROJECT, QUEUE)['total'] == 2
