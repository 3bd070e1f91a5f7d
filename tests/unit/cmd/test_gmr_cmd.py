"""Unit tests of the pieces of ``zaqar-lite-gmr`` (zaqar_lite.cmd.gmr).

Reports here are made by a real ``gmr.Reporter`` and its renderers, so
the command's parsing is checked against the layout gmr really writes.
"""

import datetime
import json
import os
import subprocess
import time

import pytest
from oslo_config import cfg

import gmr
from gmr import sinks
from gmr.render import json as json_render
from zaqar_lite.cmd import gmr as gmr_cmd

LOG_LINE = '2026-11-27 16:16:11,774 4621 INFO zaqar_lite.x hello\n'


def make_report(pid: int = 4242, fmt: str = 'text',
                when: float = None) -> tuple:
    """(report model, rendered text) with every zaqar-lite section."""
    reporter = gmr.Reporter('zaqar-lite', 'wsgi')
    reporter.configure(service_name='zaqar-lite', run_mode='wsgi',
                       version={'product': 'zaqar-lite'},
                       config=cfg.ConfigOpts(), fmt=fmt)
    reporter.register_section('Queues', lambda: {'driver': 'sqlite'})
    reporter.register_section('Transport', lambda: {'handled': 3})
    report = reporter.build(answers=1)
    report.header.pid = pid
    if when is not None:
        report.header.timestamp = datetime.datetime.fromtimestamp(
            when, datetime.timezone.utc)
    return report, reporter.render(report)


def wait_for(condition, timeout: float = 5.0) -> None:
    """Poll ``condition`` until it is true; fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, 'condition never became true'
        time.sleep(0.01)


def _cmdline(pid: int):
    """read_cmdline, or None while the process has none to show."""
    try:
        return gmr_cmd.read_cmdline(pid)
    except gmr_cmd.GmrError:
        return None


def now_ms() -> int:
    return gmr_cmd.epoch_ms(time.time())


# Recognising the target.

def test_is_server_accepts_the_script_and_the_module():
    assert gmr_cmd.is_server(['/usr/bin/python3',
                              '/venv/bin/zaqar-lite-server', '-d'])
    assert gmr_cmd.is_server(['python', '-m', 'zaqar_lite.cmd.server'])
    assert not gmr_cmd.is_server(['sleep', '100'])
    assert gmr_cmd.is_server(['/venv/bin/zaqar-lite-server'])
    assert not gmr_cmd.is_server(['vi', 'zaqar-lite-server'])
    assert not gmr_cmd.is_server(['python3', 'tool.py', 'zaqar-lite-server'])
    assert not gmr_cmd.is_server([])


def test_read_cmdline_of_a_real_process_and_of_none():
    proc = subprocess.Popen(['sleep', '30'])
    try:
        # Until exec() completes the child shows its parent's command line.
        wait_for(lambda: _cmdline(proc.pid) == ['sleep', '30'])
    finally:
        proc.kill()
        proc.wait()
    with pytest.raises(gmr_cmd.GmrError, match='no process with pid'):
        gmr_cmd.read_cmdline(proc.pid)


def test_is_uwsgi_by_its_program():
    assert gmr_cmd.is_uwsgi(['/usr/bin/uwsgi', '--ini', 'etc/uwsgi.ini'])
    assert not gmr_cmd.is_uwsgi(['python', 'uwsgi'])
    assert not gmr_cmd.is_uwsgi([])


def test_uwsgi_workers_of_a_process_without_workers_is_itself():
    assert gmr_cmd.uwsgi_workers(os.getpid()) == [os.getpid()]


def test_check_server_refuses_other_processes():
    with pytest.raises(gmr_cmd.GmrError, match='is not a zaqar-lite-server'):
        gmr_cmd.check_server(os.getpid())


def test_server_config_resolves_paths_against_its_directory(tmp_path):
    proc = subprocess.Popen(['sleep', '30'], cwd=tmp_path)
    try:
        files, dirs = gmr_cmd.server_config(proc.pid, [
            'zaqar-lite-server', '--config-file', 'a.conf',
            '--config-file=/etc/b.conf', '--config-dir', 'conf.d'])
    finally:
        proc.kill()
        proc.wait()
    assert files == [str(tmp_path / 'a.conf'), '/etc/b.conf']
    assert dirs == [str(tmp_path / 'conf.d')]


def test_stderr_file_must_be_a_regular_file(tmp_path):
    with open(tmp_path / 'err', 'w') as err:
        to_file = subprocess.Popen(['sleep', '30'], stderr=err)
    to_pipe = subprocess.Popen(['sleep', '30'], stderr=subprocess.PIPE)
    try:
        link = gmr_cmd.stderr_file(to_file.pid)
        assert os.readlink(link) == str(tmp_path / 'err')
        with pytest.raises(gmr_cmd.GmrError, match='not a file'):
            gmr_cmd.stderr_file(to_pipe.pid)
    finally:
        for proc in (to_file, to_pipe):
            proc.kill()
            proc.wait()


def test_find_server_pids_finds_none_for_an_unused_config(tmp_path):
    assert gmr_cmd.find_server_pids(str(tmp_path / 'none.conf')) == []


# The configuration.

def test_report_options_read_the_oslo_reports_group(tmp_path):
    conf = tmp_path / 'z.conf'
    conf.write_text('[oslo_reports]\nlog_dir = /var/log/z\n'
                    'file_event_handler = /run/z.trigger\n'
                    '[drivers]\ntransport = wsgi\n')
    group = gmr_cmd.report_options([str(conf)], [])
    assert group.log_dir == '/var/log/z'
    assert group.file_event_handler == '/run/z.trigger'


def test_report_options_are_checked_at_once(tmp_path):
    conf = tmp_path / 'z.conf'
    conf.write_text('[oslo_reports]\nfile_event_handler_interval = 0\n')
    with pytest.raises(gmr_cmd.GmrError, match='bad configuration'):
        gmr_cmd.report_options([str(conf)], [])


def test_report_options_errors_are_one_line(tmp_path):
    bad = tmp_path / 'bad.conf'
    bad.write_text('no section header\n')
    with pytest.raises(gmr_cmd.GmrError, match='bad configuration') as exc:
        gmr_cmd.report_options([str(bad)], [])
    assert '\n' not in str(exc.value)
    with pytest.raises(gmr_cmd.GmrError, match='cannot read'):
        gmr_cmd.report_options([str(tmp_path / 'missing.conf')], [])


# Triggering.

def test_touch_creates_a_private_file_then_changes_its_mtime(tmp_path):
    path = tmp_path / 'trigger'
    gmr_cmd.touch(str(path))
    assert path.stat().st_mode & 0o777 == 0o600
    os.utime(path, (1000, 1000))
    gmr_cmd.touch(str(path))
    assert path.stat().st_mtime > 1000
    with pytest.raises(gmr_cmd.GmrError, match='cannot touch'):
        gmr_cmd.touch(str(tmp_path / 'no' / 'trigger'))


def test_send_signal_to_no_process():
    proc = subprocess.Popen(['true'])
    proc.wait()
    with pytest.raises(gmr_cmd.GmrError, match='no process with pid'):
        gmr_cmd.send_signal(proc.pid)


# Times and names as gmr writes them.

def test_header_time_and_file_name_parse_back_to_the_report_time():
    when = 1795795200.123
    report, text = make_report(when=when)
    stamp = json_render.timestamp(report.header)
    assert gmr_cmd.header_ms(stamp) == 1795795200123
    name = sinks.DirectorySink('/tmp').filename(report.header)
    match = gmr_cmd._FILE_NAME.match(name)
    assert match and match.group('pid') == '4242'
    assert gmr_cmd.name_ms(match.group('stamp')) == 1795795200123


def test_every_millisecond_parses_back_exactly():
    base = 1795651200000  # 2026-11-26T00:00:00Z
    for ms in range(1000):
        assert gmr_cmd.header_ms('2026-11-26T00:00:00.%03dZ' % ms) == (
            base + ms)
        assert gmr_cmd.name_ms('20261126000000%03d' % ms) == base + ms


# Finding a report in a stream.

def test_whole_text_report_is_found_once_settled():
    _, text = make_report()
    since = now_ms() - 1000
    assert gmr_cmd.find_report(LOG_LINE + text, 4242, since, True) == text
    assert gmr_cmd.find_report(text, 4242, since, False) is None


def test_truncated_text_report_is_not_whole():
    _, text = make_report()
    cut = text[:text.index('Transport')]
    assert gmr_cmd.find_report(cut, 4242, now_ms() - 1000, True) is None


def test_text_report_stops_at_the_next_log_line():
    _, text = make_report()
    # A busy log never settles: the line after the report ends it.
    found = gmr_cmd.find_report(text + LOG_LINE, 4242, now_ms() - 1000,
                                False)
    assert found == text


def test_reports_of_other_pids_or_older_ones_are_skipped():
    _, other = make_report(pid=1)
    _, old = make_report(when=time.time() - 60)
    _, mine = make_report()
    since = now_ms() - 1000
    stream = other + old + mine
    assert gmr_cmd.find_report(stream, 4242, since, True) == mine
    assert gmr_cmd.find_report(other + old, 4242, since, True) is None


def test_json_report_needs_no_settling_but_must_be_whole():
    _, text = make_report(fmt='json')
    since = now_ms() - 1000
    found = gmr_cmd.find_report(LOG_LINE + text + '\n' + LOG_LINE, 4242,
                                since, False)
    assert found == text + '\n'
    assert gmr_cmd.find_report(text[:-5], 4242, since, True) is None


def test_json_report_is_found_however_it_is_indented():
    report, _ = make_report(fmt='json')
    compact = json.dumps(json_render.to_dict(report))
    found = gmr_cmd.find_report(LOG_LINE + compact + '\n', 4242,
                                now_ms() - 1000, False)
    assert found == compact + '\n'


# Watching for the new report.

def test_directory_watch_finds_only_new_reports_of_its_pid(tmp_path):
    sink = sinks.DirectorySink(str(tmp_path))
    old, _ = make_report()
    sink.write(old, 'old\n')
    watch = gmr_cmd.DirectoryWatch(str(tmp_path), [4242])
    watch.since = now_ms()
    assert watch.poll() == []
    other, _ = make_report(pid=7)
    sink.write(other, 'other\n')
    (tmp_path / '.gmr-tmp-x').write_text('partial')
    assert watch.poll() == []
    new, _ = make_report()
    path = sink.write(new, 'new\n')
    assert watch.poll() == [(path, 'new\n')]


def test_directory_watch_waits_for_each_reporter(tmp_path):
    sink = sinks.DirectorySink(str(tmp_path))
    watch = gmr_cmd.DirectoryWatch(str(tmp_path), [7, 8])
    watch.since = now_ms() - 1000
    first = sink.write(make_report(pid=8)[0], 'eight\n')
    sink.write(make_report(pid=8)[0], 'eight again\n')
    assert watch.poll() == []
    second = sink.write(make_report(pid=7)[0], 'seven\n')
    assert watch.poll() == [(second, 'seven\n'), (first, 'eight\n')]


def test_directory_watch_of_anyone_takes_all_until_quiet(tmp_path):
    sink = sinks.DirectorySink(str(tmp_path))
    watch = gmr_cmd.DirectoryWatch(str(tmp_path), [], quiet=0.2)
    watch.since = now_ms() - 1000
    one = sink.write(make_report(pid=7)[0], 'seven\n')
    assert watch.poll() == []  # more may come
    two = sink.write(make_report(pid=8)[0], 'eight\n')
    found = gmr_cmd.wait_for_report(watch, 5, [])
    assert found == [(one, 'seven\n'), (two, 'eight\n')]


def test_stderr_watch_waits_for_each_reporter(tmp_path):
    path = tmp_path / 'uwsgi.log'
    path.write_text('')
    watch = gmr_cmd.StderrWatch(str(path), [7, 8])
    watch.since = now_ms() - 1000
    _, seven = make_report(pid=7)
    _, eight = make_report(pid=8)
    path.write_text(eight + LOG_LINE)
    assert watch.poll() == []
    path.write_text(eight + LOG_LINE + seven + LOG_LINE)
    assert watch.poll() == [(str(path), seven), (str(path), eight)]


def test_stderr_watch_reads_only_bytes_written_after_it(tmp_path):
    path = tmp_path / 'stderr.log'
    _, first = make_report()
    path.write_text(first)
    watch = gmr_cmd.StderrWatch(str(path), [4242])
    watch.since = now_ms() - 1000
    assert watch.poll() == []
    _, second = make_report()
    with open(path, 'a') as stream:
        stream.write(second)
    found = gmr_cmd.wait_for_report(watch, 5, [])
    assert found == [(str(path), second)]


def test_wait_for_report_times_out_with_one_clear_line(tmp_path):
    watch = gmr_cmd.DirectoryWatch(str(tmp_path), [])
    started = time.monotonic()
    with pytest.raises(gmr_cmd.GmrError, match=r'no report from .* within '
                       r'0.2 s'):
        gmr_cmd.wait_for_report(watch, 0.2, [])
    assert time.monotonic() - started < 2


def test_wait_for_report_notices_the_process_is_gone(tmp_path):
    proc = subprocess.Popen(['true'])
    proc.wait()
    watch = gmr_cmd.DirectoryWatch(str(tmp_path), [proc.pid])
    with pytest.raises(gmr_cmd.GmrError, match='exited before reporting'):
        gmr_cmd.wait_for_report(watch, 5, [proc.pid])


# The command line.

def test_main_needs_a_pid_or_a_config_file(capsys):
    with pytest.raises(SystemExit) as exc:
        gmr_cmd.main([])
    assert exc.value.code == 2
    assert 'give the pid' in capsys.readouterr().err


def test_main_says_what_went_wrong_on_one_line(capsys):
    proc = subprocess.Popen(['true'])
    proc.wait()
    assert gmr_cmd.main([str(proc.pid)]) == 1
    out, err = capsys.readouterr()
    assert out == ''
    assert err == 'zaqar-lite-gmr: error: no process with pid %d\n' % (
        proc.pid)


# The plan.

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
    plan = gmr_cmd.make_plan(None, [conf])
    assert plan == gmr_cmd.Plan(None, str(tmp_path / 'reports'),
                                str(tmp_path / 'trigger'))


def test_plan_refuses_a_log_dir_that_is_a_file(tmp_path):
    (tmp_path / 'file').write_text('')
    conf = write_conf(tmp_path / 'z.conf', log_dir=tmp_path / 'file',
                      file_event_handler=tmp_path / 'trigger')
    with pytest.raises(gmr_cmd.GmrError, match='not a directory'):
        gmr_cmd.make_plan(None, [conf])
    assert not (tmp_path / 'trigger').exists()  # nothing triggered


def test_plan_accepts_a_log_dir_the_server_will_make(tmp_path):
    conf = write_conf(tmp_path / 'z.conf', log_dir=tmp_path / 'later',
                      file_event_handler=tmp_path / 'trigger')
    assert gmr_cmd.make_plan(None, [conf]).log_dir == str(
        tmp_path / 'later')


def test_plan_without_a_running_server_is_refused(tmp_path):
    conf = write_conf(tmp_path / 'z.conf', log_dir=tmp_path)
    with pytest.raises(gmr_cmd.GmrError, match='no zaqar-lite-server is '
                       'running with'):
        gmr_cmd.make_plan(None, [conf])
