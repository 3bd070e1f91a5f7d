"""Contract: claims (create, get, update, delete, expiry)."""

import pytest

from zaqar_lite.storage import errors
from tests.unit.storage import utils
from tests.unit.storage.utils import PROJECT, QUEUE


def test_claim_takes_oldest_free_messages_up_to_limit(driver):
    ids = utils.post(driver, 5)
    claim_id, messages = driver.claims.create(PROJECT, QUEUE, 60, 30, 3)
    assert [m['id'] for m in messages] == ids[:3]
    assert all(m['claim_id'] == claim_id for m in messages)
    assert all(m['claim_count'] == 1 for m in messages)
    claim, held = driver.claims.get(PROJECT, QUEUE, claim_id)
    assert claim == {'id': claim_id, 'ttl': 60, 'age': 0, 'grace': 30}
    assert [m['id'] for m in held] == ids[:3]


def test_claim_with_nothing_free_stores_no_claim(driver):
    assert driver.claims.create(PROJECT, QUEUE, 60, 60, 5) == (None, [])
    utils.post(driver, 1, delay=30)
    assert driver.claims.create(PROJECT, QUEUE, 60, 60, 5) == (None, [])
    assert driver.queues.stats(PROJECT, QUEUE)['claimed'] == 0


def test_no_message_is_in_two_live_claims(driver):
    ids = utils.post(driver, 5)
    first, a = driver.claims.create(PROJECT, QUEUE, 60, 60, 3)
    second, b = driver.claims.create(PROJECT, QUEUE, 60, 60, 3)
    assert [m['id'] for m in a] + [m['id'] for m in b] == ids
    assert driver.claims.create(PROJECT, QUEUE, 60, 60, 3) == (None, [])
    held = driver.claims.get(PROJECT, QUEUE, first)[1]
    assert [m['id'] for m in held] == ids[:3]


def test_claim_expiry_releases_messages(driver, clock):
    ids = utils.post(driver, 2)
    claim_id, _ = driver.claims.create(PROJECT, QUEUE, 60, 60, 2)
    clock.advance(59)
    assert driver.claims.get(PROJECT, QUEUE, claim_id)[0]['age'] == 59
    clock.advance(1)
    with pytest.raises(errors.ClaimDoesNotExist):
        driver.claims.get(PROJECT, QUEUE, claim_id)
    with pytest.raises(errors.ClaimDoesNotExist):
        driver.claims.update(PROJECT, QUEUE, claim_id, 60, 60)
    assert utils.listed(driver) == ids
    again, messages = driver.claims.create(PROJECT, QUEUE, 60, 60, 5)
    assert [m['claim_count'] for m in messages] == [2, 2]
    assert again != claim_id


def test_claim_extends_message_life_to_ttl_plus_grace(driver, clock):
    ids = utils.post(driver, 1, ttl=60)
    clock.advance(50.5)
    _, messages = driver.claims.create(PROJECT, QUEUE, 100, 30, 1)
    message = messages[0]
    assert message['ttl'] - message['age'] >= 130
    clock.advance(129)
    assert driver.messages.get(PROJECT, QUEUE, ids[0])['id'] == ids[0]


def test_claim_never_shortens_message_life(driver, clock):
    ids = utils.post(driver, 1, ttl=3600)
    driver.claims.create(PROJECT, QUEUE, 60, 60, 1)
    assert driver.messages.get(PROJECT, QUEUE, ids[0])['ttl'] == 3600


def test_update_renews_claim_and_extends_messages(driver, clock):
    ids = utils.post(driver, 1, ttl=60)
    claim_id, _ = driver.claims.create(PROJECT, QUEUE, 60, 0, 1)
    clock.advance(50)
    driver.claims.update(PROJECT, QUEUE, claim_id, 200, 20)
    claim, held = driver.claims.get(PROJECT, QUEUE, claim_id)
    assert (claim['ttl'], claim['grace']) == (200, 20)
    assert claim['ttl'] - claim['age'] == 200
    assert held[0]['ttl'] - held[0]['age'] >= 220
    assert held[0]['claim_count'] == 1
    clock.advance(199)
    assert driver.claims.get(PROJECT, QUEUE, claim_id)[1][0]['id'] == ids[0]
    clock.advance(1)
    assert utils.listed(driver) == ids


def test_update_of_unknown_claim_raises(driver):
    with pytest.raises(errors.ClaimDoesNotExist):
        driver.claims.update(PROJECT, QUEUE, 'f' * 32, 60, 60)


def test_delete_releases_messages(driver):
    ids = utils.post(driver, 2)
    claim_id, _ = driver.claims.create(PROJECT, QUEUE, 60, 60, 2)
    driver.claims.delete(PROJECT, QUEUE, claim_id)
    driver.claims.delete(PROJECT, QUEUE, claim_id)
    with pytest.raises(errors.ClaimDoesNotExist):
        driver.claims.get(PROJECT, QUEUE, claim_id)
    assert utils.listed(driver) == ids
    _, messages = driver.claims.create(PROJECT, QUEUE, 60, 60, 5)
    assert [m['claim_count'] for m in messages] == [2, 2]


def test_deleting_expired_claim_leaves_new_claim_alone(driver, clock):
    utils.post(driver, 1)
    old, _ = driver.claims.create(PROJECT, QUEUE, 60, 60, 1)
    clock.advance(60)
    new, _ = driver.claims.create(PROJECT, QUEUE, 60, 60, 1)
    driver.claims.delete(PROJECT, QUEUE, old)
    assert len(driver.claims.get(PROJECT, QUEUE, new)[1]) == 1


def test_get_lists_only_live_held_messages(driver):
    ids = utils.post(driver, 3)
    claim_id, _ = driver.claims.create(PROJECT, QUEUE, 60, 60, 3)
    driver.messages.delete(PROJECT, QUEUE, ids[1], claim_id=claim_id)
    held = driver.claims.get(PROJECT, QUEUE, claim_id)[1]
    assert [m['id'] for m in held] == [ids[0], ids[2]]


def test_claim_of_other_queue_does_not_exist(driver):
    utils.post(driver, 1)
    claim_id, _ = driver.claims.create(PROJECT, QUEUE, 60, 60, 1)
    with pytest.raises(errors.ClaimDoesNotExist):
        driver.claims.get(PROJECT, 'other', claim_id)
    driver.claims.delete(PROJECT, 'other', claim_id)
    assert driver.claims.get(PROJECT, QUEUE, claim_id)[1]


def test_released_and_expired_messages_are_claimed_in_fifo_order(driver,
                                                                 clock):
    ids = utils.post(driver, 5)
    expiring, _ = driver.claims.create(PROJECT, QUEUE, 60, 60, 1)
    released, _ = driver.claims.create(PROJECT, QUEUE, 120, 60, 1)
    driver.claims.create(PROJECT, QUEUE, 120, 60, 1)
    driver.claims.delete(PROJECT, QUEUE, released)
    clock.advance(60)
    _, messages = driver.claims.create(PROJECT, QUEUE, 60, 60, 3)
    assert [m['id'] for m in messages] == [ids[0], ids[1], ids[3]]
    assert [m['id'] for m in driver.messages.pop(PROJECT, QUEUE, 5)] == [
        ids[4]]
