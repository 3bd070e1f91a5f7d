"""Contract: the driver itself (overview, gc, health, location)."""

from tests.unit.storage import utils
from tests.unit.storage.utils import OTHER_PROJECT, PROJECT, QUEUE


def test_overview_equals_stats(driver):
    utils.post(driver, 5)
    utils.post(driver, 2, delay=60)
    utils.post(driver, 3, queue='second')
    driver.claims.create(PROJECT, QUEUE, 60, 60, 2)
    driver.queues.create(PROJECT, 'empty')
    driver.queues.create(OTHER_PROJECT, 'lonely')
    overview = driver.overview()
    keys = ('total', 'claimed', 'free', 'delayed')
    stats = [driver.queues.stats(PROJECT, name)
             for name in (QUEUE, 'second', 'empty')]
    expected = {key: sum(s[key] for s in stats) for key in keys}
    assert overview[PROJECT] == dict(expected, queues=3)
    assert overview[PROJECT]['claimed'] == 2
    assert overview[OTHER_PROJECT] == {'queues': 1, 'total': 0,
                                       'claimed': 0, 'free': 0,
                                       'delayed': 0}


def test_overview_ignores_expired_messages(driver, clock):
    utils.post(driver, 2, ttl=60)
    clock.advance(60)
    assert driver.overview()[PROJECT]['total'] == 0


def test_gc_removes_expired_messages_only(driver, clock):
    utils.post(driver, 3, ttl=60)
    live = utils.post(driver, 2, ttl=120)
    assert driver.gc() == 0
    clock.advance(60)
    assert driver.gc() == 3
    assert driver.gc() == 0
    assert utils.listed(driver) == live


def test_gc_keeps_messages_extended_by_a_claim(driver, clock):
    ids = utils.post(driver, 1, ttl=60)
    driver.claims.create(PROJECT, QUEUE, 100, 60, 1)
    clock.advance(100)
    assert driver.gc() == 0
    assert utils.listed(driver) == ids


def test_is_alive_and_location(driver):
    assert driver.is_alive() is True
    assert isinstance(driver.location(), str) and driver.location()
    assert driver.name != 'base'
