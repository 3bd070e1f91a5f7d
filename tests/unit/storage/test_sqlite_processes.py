"""SQLite with real processes sharing one file: claims and durability."""

import multiprocessing
import os
import signal
import time

from zaqar_lite.storage import sqlite
from tests.unit.storage import conftest
from tests.unit.storage import utils
from tests.unit.storage.utils import PROJECT, QUEUE

# fork: children start in milliseconds and build their own driver anyway.
CONTEXT = multiprocessing.get_context('fork')
BATCHES = 150
BATCH = 10
CLAIMERS = 4
DEADLINE = 60.0


def _driver(path: str) -> sqlite.DataDriver:
    return sqlite.DataDriver(conftest.sqlite_conf(path))


def _post(path, results):
    """Post BATCHES batches, then report every id posted."""
    data_driver = _driver(path)
    posted = []
    for batch in range(BATCHES):
        posted += utils.post(data_driver, BATCH, first=batch * BATCH)
    results.put(('posted', posted))


def _claim(path, results, posting_done):
    """Claim and delete until the poster is done and nothing is left."""
    data_driver = _driver(path)
    claimed = []
    while True:
        finished = posting_done.is_set()  # read before the last claim
        claim_id, messages = data_driver.claims.create(
            PROJECT, QUEUE, 300, 60, BATCH)
        if not messages and finished:
            break
        ids = [message['id'] for message in messages]
        data_driver.messages.bulk_delete(PROJECT, QUEUE, ids,
                                         claim_ids=[claim_id])
        claimed += ids
    results.put(('claimed', claimed))


def test_concurrent_claimers_take_every_message_once(tmp_path):
    path = str(tmp_path / 'db.sqlite3')
    _driver(path).close()  # the schema exists before the race starts
    results = CONTEXT.Queue()
    posting_done = CONTEXT.Event()
    claimers = [CONTEXT.Process(target=_claim,
                                args=(path, results, posting_done))
                for _ in range(CLAIMERS)]
    poster = CONTEXT.Process(target=_post, args=(path, results))
    for process in claimers + [poster]:
        process.start()
    kind, posted = results.get(timeout=DEADLINE)
    assert kind == 'posted'
    posting_done.set()
    claimed = []
    for _ in claimers:
        kind, ids = results.get(timeout=DEADLINE)
        assert kind == 'claimed'
        claimed += ids
    for process in claimers + [poster]:
        process.join(DEADLINE)
        assert process.exitcode == 0
    assert len(posted) == BATCHES * BATCH
    assert len(claimed) == len(set(claimed))
    assert set(claimed) == set(posted)


def _post_forever(path, sender):
    """Post batches and report each batch's ids once post returned."""
    data_driver = _driver(path)
    batch = 0
    while True:
        sender.send(utils.post(data_driver, BATCH, first=batch * BATCH))
        batch += 1


def _receive_until_killed(receiver, child, wanted):
    """Ids the child reported; kills it once ``wanted`` arrived."""
    reported = []
    deadline = time.monotonic() + DEADLINE
    while len(reported) < wanted and time.monotonic() < deadline:
        if receiver.poll(0.5):
            reported += receiver.recv()
    os.kill(child.pid, signal.SIGKILL)
    child.join(DEADLINE)
    while True:  # whole batches sent before the kill are still buffered
        try:
            reported += receiver.recv()
        except (EOFError, OSError):
            return reported


def test_posted_messages_survive_kill_9(tmp_path):
    path = str(tmp_path / 'db.sqlite3')
    receiver, sender = CONTEXT.Pipe(duplex=False)
    child = CONTEXT.Process(target=_post_forever, args=(path, sender))
    child.start()
    sender.close()
    reported = _receive_until_killed(receiver, child, 500)
    assert child.exitcode == -signal.SIGKILL
    assert len(reported) >= 500
    survivor = _driver(path)
    try:
        stored = utils.listed(survivor, include_claimed=True,
                              include_delayed=True)
    finally:
        survivor.close()
    assert len(stored) == len(set(stored))
    assert set(reported) <= set(stored)
    assert len(stored) - len(reported) <= BATCH  # at most one unreported


def _start_and_post(path, results):
    """Build a driver on ``path`` (maybe creating it) and post one."""
    results.put(utils.post(_driver(path), 1))


def test_processes_starting_together_on_a_new_file(tmp_path):
    path = str(tmp_path / 'new' / 'db.sqlite3')
    results = CONTEXT.Queue()
    starters = [CONTEXT.Process(target=_start_and_post,
                                args=(path, results)) for _ in range(6)]
    for process in starters:
        process.start()
    posted = [results.get(timeout=DEADLINE)[0] for _ in starters]
    for process in starters:
        process.join(DEADLINE)
        assert process.exitcode == 0
    survivor = _driver(path)
    try:
        assert sorted(utils.listed(survivor)) == sorted(posted)
    finally:
        survivor.close()
