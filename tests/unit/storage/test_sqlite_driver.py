"""SQLite driver specifics: the file, locking, forks and other threads."""

import os
import sqlite3
import stat
import threading

import pytest

from zaqar_lite import storage
from zaqar_lite.storage import errors
from zaqar_lite.storage import sqlite
from zaqar_lite.storage.sqlite import busy
from zaqar_lite.storage.sqlite import driver as sqlite_driver
from tests.unit.storage import conftest
from tests.unit.storage import utils
from tests.unit.storage.utils import PROJECT, QUEUE


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / 'data' / 'nested' / 'db.sqlite3'


@pytest.fixture
def make_driver(db_path, clock):
    """Build drivers on one file; closes them all at the end."""
    made = []

    def make(busy_timeout=30.0, synchronous='normal'):
        conf = conftest.sqlite_conf(db_path, busy_timeout, synchronous)
        made.append(sqlite.DataDriver(conf, clock=clock))
        return made[-1]

    yield make
    for data_driver in made:
        data_driver.close()


def test_loader_builds_sqlite_driver(db_path, clock):
    data_driver = storage.load(conftest.sqlite_conf(db_path), clock)
    try:
        assert isinstance(data_driver, sqlite.DataDriver)
        assert data_driver.name == 'sqlite'
        assert data_driver.clock is clock
    finally:
        data_driver.close()


def test_creates_private_file_in_wal_mode(make_driver, db_path):
    data_driver = make_driver()
    assert stat.S_IMODE(os.stat(db_path).st_mode) == 0o600
    assert data_driver.location() == str(db_path)
    with sqlite3.connect(db_path) as conn:
        assert conn.execute('PRAGMA journal_mode').fetchone()[0] == 'wal'


@pytest.mark.parametrize('option, level', [('normal', 1), ('full', 2)])
def test_synchronous_option_is_applied(make_driver, option, level):
    data_driver = make_driver(synchronous=option)
    with data_driver.read() as conn:
        assert conn.execute('PRAGMA synchronous').fetchone()[0] == level


def test_data_survives_a_new_driver_on_the_same_file(make_driver):
    ids = utils.post(make_driver(), 3)
    assert utils.listed(make_driver()) == ids


def test_locked_database_raises_service_unavailable(make_driver, db_path):
    data_driver = make_driver(busy_timeout=0.1)
    utils.post(data_driver, 1)
    blocker = sqlite3.connect(db_path, isolation_level=None)
    blocker.execute('BEGIN IMMEDIATE')
    try:
        with pytest.raises(errors.ServiceUnavailable):
            utils.post(data_driver, 1)
        assert len(utils.listed(data_driver)) == 1  # reads still work
    finally:
        blocker.execute('ROLLBACK')
        blocker.close()
    utils.post(data_driver, 1)
    assert len(utils.listed(data_driver)) == 2


def test_missing_file_is_not_alive_and_unavailable(make_driver, db_path):
    data_driver = make_driver()
    for name in os.listdir(db_path.parent):
        os.unlink(db_path.parent / name)
    assert data_driver.is_alive() is False
    with pytest.raises(errors.ServiceUnavailable):
        data_driver.overview()


def test_closed_driver_is_unavailable(make_driver):
    data_driver = make_driver()
    data_driver.close()
    with pytest.raises(errors.ServiceUnavailable):
        utils.post(data_driver, 1)


def test_forked_child_opens_its_own_connection(make_driver):
    data_driver = make_driver()
    utils.post(data_driver, 1)
    inherited = data_driver.db._conn
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report what it used, never return to pytest
        code = 1
        try:
            utils.post(data_driver, 1)
            fresh = data_driver.db._conn
            code = 0 if fresh is not None and fresh is not inherited else 2
        finally:
            os.write(writer, b'%d' % code)
            os._exit(code)
    os.close(writer)
    assert os.read(reader, 8) == b'0'
    os.waitpid(pid, 0)
    os.close(reader)
    assert data_driver.db._conn is inherited
    assert len(utils.listed(data_driver)) == 2


def test_overview_from_another_thread_while_writing(make_driver):
    data_driver = make_driver()
    failures = []
    done = threading.Event()

    def report():
        while not done.is_set():
            try:
                assert data_driver.is_alive()
                data_driver.overview()
            except Exception as exc:  # collected, asserted below
                failures.append(exc)
                return

    thread = threading.Thread(target=report)
    thread.start()
    try:
        for _ in range(100):
            utils.post(data_driver, 10)
            data_driver.claims.create(PROJECT, QUEUE, 60, 60, 5)
    finally:
        done.set()
        thread.join()
    assert failures == []
    assert data_driver.overview()[PROJECT]['total'] == 1000


def test_writes_clean_up_expired_messages(make_driver, clock):
    data_driver = make_driver()
    utils.post(data_driver, 3, ttl=60)
    clock.advance(sqlite_driver.CLEANUP_INTERVAL + 60)
    utils.post(data_driver, 1, queue='other')
    with data_driver.read() as conn:
        assert conn.execute('SELECT COUNT(*) FROM messages').fetchone() == (
            1,)
    assert data_driver.gc() == 0


def test_cleanup_removes_expired_claims(make_driver, clock):
    data_driver = make_driver()
    utils.post(data_driver, 1)
    data_driver.claims.create(PROJECT, QUEUE, 60, 60, 1)
    clock.advance(60)
    data_driver.gc()
    with data_driver.read() as conn:
        assert conn.execute('SELECT COUNT(*) FROM claims').fetchone() == (
            0,)


def _busy_error(code=sqlite3.SQLITE_BUSY):
    exc = sqlite3.OperationalError('database is locked')
    exc.sqlite_errorcode = code
    return exc


def test_busy_retry_waits_out_transient_busy():
    failures = [_busy_error(), _busy_error(sqlite3.SQLITE_BUSY_RECOVERY)]

    def action():
        if failures:
            raise failures.pop()
        return 'done'

    assert busy.retry(action, timeout=5) == 'done'
    assert failures == []


def test_busy_retry_gives_up_at_timeout_or_other_errors():
    calls = []

    def always_busy():
        calls.append(1)
        raise _busy_error()

    with pytest.raises(sqlite3.OperationalError):
        busy.retry(always_busy, timeout=0.05)
    assert len(calls) > 1
    calls.clear()

    def broken():
        calls.append(1)
        raise _busy_error(sqlite3.SQLITE_IOERR)

    with pytest.raises(sqlite3.OperationalError):
        busy.retry(broken, timeout=5)
    assert len(calls) == 1


def test_a_closed_driver_is_not_alive(tmp_path):
    data_driver = sqlite.DataDriver(
        conftest.sqlite_conf(tmp_path / 'db.sqlite3'))
    assert data_driver.is_alive()
    data_driver.close()
    assert not data_driver.is_alive()
