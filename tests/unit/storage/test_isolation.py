"""Contract: a project never sees or changes anything of another one."""

import pytest

from zaqar_lite.storage import errors
from tests.unit.storage import utils
from tests.unit.storage.utils import OTHER_PROJECT, PROJECT, QUEUE

OTHER = OTHER_PROJECT


def test_queues_are_per_project(driver):
    driver.queues.create(PROJECT, QUEUE, {'owner': 'a'})
    assert not driver.queues.exists(OTHER, QUEUE)
    assert driver.queues.list(OTHER) == ([], None)
    assert driver.queues.count(OTHER) == 0
    with pytest.raises(errors.QueueDoesNotExist):
        driver.queues.get_metadata(OTHER, QUEUE)
    assert driver.queues.create(OTHER, QUEUE, {'owner': 'b'}) is True
    driver.queues.set_metadata(OTHER, QUEUE, {'owner': 'c'})
    assert driver.queues.get_metadata(PROJECT, QUEUE) == {'owner': 'a'}


def test_messages_are_per_project(driver):
    ids = utils.post(driver, 2)
    assert utils.listed(driver, project=OTHER, include_claimed=True,
                        include_delayed=True) == []
    with pytest.raises(errors.MessageDoesNotExist):
        driver.messages.get(OTHER, QUEUE, ids[0])
    assert driver.messages.bulk_get(OTHER, QUEUE, ids) == []
    assert driver.messages.pop(OTHER, QUEUE, 5) == []
    assert driver.claims.create(OTHER, QUEUE, 60, 60, 5) == (None, [])
    assert driver.queues.stats(OTHER, QUEUE)['total'] == 0


def test_other_project_cannot_delete(driver):
    ids = utils.post(driver, 3)
    driver.messages.delete(OTHER, QUEUE, ids[0])
    driver.messages.bulk_delete(OTHER, QUEUE, ids)
    driver.queues.purge(OTHER, QUEUE)
    driver.queues.delete(OTHER, QUEUE)
    assert utils.listed(driver) == ids
    assert driver.queues.exists(PROJECT, QUEUE)


def test_other_project_cannot_touch_claims(driver):
    utils.post(driver, 1)
    claim_id, _ = driver.claims.create(PROJECT, QUEUE, 60, 60, 1)
    with pytest.raises(errors.ClaimDoesNotExist):
        driver.claims.get(OTHER, QUEUE, claim_id)
    with pytest.raises(errors.ClaimDoesNotExist):
        driver.claims.update(OTHER, QUEUE, claim_id, 60, 60)
    driver.claims.delete(OTHER, QUEUE, claim_id)
    assert len(driver.claims.get(PROJECT, QUEUE, claim_id)[1]) == 1


def test_same_queue_name_in_two_projects_is_two_queues(driver):
    mine = utils.post(driver, 2)
    theirs = utils.post(driver, 1, project=OTHER)
    assert utils.listed(driver) == mine
    assert utils.listed(driver, project=OTHER) == theirs
    driver.queues.delete(OTHER, QUEUE)
    assert utils.listed(driver) == mine
