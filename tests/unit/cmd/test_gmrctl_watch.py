"""Unit tests of the watches and of waiting for the new report."""

import subprocess
import time

import pytest

from gmr import sinks
from tests.unit.cmd.sample_reports import LOG_LINE
from tests.unit.cmd.sample_reports import make_report
from tests.unit.cmd.sample_reports import now_ms
from zaqar_lite.gmrctl import directory_watch
from zaqar_lite.gmrctl import errors
from zaqar_lite.gmrctl import request
from zaqar_lite.gmrctl import stderr_watch


def test_directory_watch_finds_only_new_reports_of_its_pid(tmp_path):
    sink = sinks.DirectorySink(str(tmp_path))
    old, _ = make_report()
    sink.write(old, 'old\n')
    watch = directory_watch.DirectoryWatch(str(tmp_path), [4242])
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
    watch = directory_watch.DirectoryWatch(str(tmp_path), [7, 8])
    watch.since = now_ms() - 1000
    first = sink.write(make_report(pid=8)[0], 'eight\n')
    sink.write(make_report(pid=8)[0], 'eight again\n')
    assert watch.poll() == []
    second = sink.write(make_report(pid=7)[0], 'seven\n')
    assert watch.poll() == [(second, 'seven\n'), (first, 'eight\n')]


def test_directory_watch_of_anyone_takes_all_until_quiet(tmp_path):
    sink = sinks.DirectorySink(str(tmp_path))
    watch = directory_watch.DirectoryWatch(str(tmp_path), [], quiet=0.2)
    watch.since = now_ms() - 1000
    one = sink.write(make_report(pid=7)[0], 'seven\n')
    assert watch.poll() == []  # more may come
    two = sink.write(make_report(pid=8)[0], 'eight\n')
    found = request.wait_for_report(watch, 5, [])
    assert found == [(one, 'seven\n'), (two, 'eight\n')]


def test_stderr_watch_waits_for_each_reporter(tmp_path):
    path = tmp_path / 'uwsgi.log'
    path.write_text('')
    watch = stderr_watch.StderrWatch(str(path), [7, 8])
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
    watch = stderr_watch.StderrWatch(str(path), [4242])
    watch.since = now_ms() - 1000
    assert watch.poll() == []
    _, second = make_report()
    with open(path, 'a') as stream:
        stream.write(second)
    found = request.wait_for_report(watch, 5, [])
    assert found == [(str(path), second)]


def test_wait_for_report_times_out_with_one_clear_line(tmp_path):
    watch = directory_watch.DirectoryWatch(str(tmp_path), [])
    started = time.monotonic()
    with pytest.raises(errors.GmrError, match=r'no report from .* within '
                       r'0.2 s'):
        request.wait_for_report(watch, 0.2, [])
    assert time.monotonic() - started < 2


def test_wait_for_report_notices_the_process_is_gone(tmp_path):
    proc = subprocess.Popen(['true'])
    proc.wait()
    watch = directory_watch.DirectoryWatch(str(tmp_path), [proc.pid])
    with pytest.raises(errors.GmrError, match='exited before reporting'):
        request.wait_for_report(watch, 5, [proc.pid])
