"""Unit tests of zaqar_lite.gmrctl.plan: the trigger and the destination."""

import pytest

from zaqar_lite.gmrctl import errors
from zaqar_lite.gmrctl.plan import make_plan
from zaqar_lite.gmrctl.plan import Plan


def write_conf(path, **options) -> str:
    """A config file with ``options`` in [oslo_reports]."""
    lines = ['[oslo_reports]'] + ['%s = %s' % kv for kv in options.items()]
    path.write_text('\n'.join(lines) + '\n')
    return str(path)


def test_plan_for_file_trigger_and_log_dir_needs_no_pid(tmp_path,
                                                        monkeypatch):
    (tmp_path / 'reports').mkdir()
    conf = write_conf(tmp_path / 'z.conf', log_dir='reports',
                      file_event_handler='trigger')
    monkeypatch.chdir(tmp_path)
    plan = make_plan(None, [conf])
    assert plan == Plan(None, str(tmp_path / 'reports'),
                        str(tmp_path / 'trigger'))


def test_plan_refuses_a_log_dir_that_is_a_file(tmp_path):
    (tmp_path / 'file').write_text('')
    conf = write_conf(tmp_path / 'z.conf', log_dir=tmp_path / 'file',
                      file_event_handler=tmp_path / 'trigger')
    with pytest.raises(errors.GmrError, match='not a directory'):
        make_plan(None, [conf])
    assert not (tmp_path / 'trigger').exists()  # nothing triggered


def test_plan_accepts_a_log_dir_the_server_will_make(tmp_path):
    conf = write_conf(tmp_path / 'z.conf', log_dir=tmp_path / 'later',
                      file_event_handler=tmp_path / 'trigger')
    assert make_plan(None, [conf]).log_dir == str(
        tmp_path / 'later')


def test_plan_without_a_running_server_is_refused(tmp_path):
    conf = write_conf(tmp_path / 'z.conf', log_dir=tmp_path)
    with pytest.raises(errors.GmrError, match='no zaqar-lite-server is '
                       'running with'):
        make_plan(None, [conf])
