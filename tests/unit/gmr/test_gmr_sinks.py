"""Sinks: standard error, or one atomic 0600 file per report in log_dir."""

import datetime
import os
import stat

import pytest

from gmr import model
from gmr import sinks

STAMP = datetime.datetime(2026, 1, 2, 3, 4, 5, 678000,
                          tzinfo=datetime.timezone.utc)


def _report(worker_id=None, stamp=STAMP):
    return model.Report(model.Header('zaqar-lite', 'uwsgi', 4321, worker_id,
                                     stamp, 1))


def test_stderr_sink_writes_the_report_to_standard_error(capsys):
    assert sinks.StderrSink().write(_report(), 'the report\n') is None
    assert capsys.readouterr().err == 'the report\n'


def test_file_name_has_service_utc_milliseconds_and_pid(tmp_path):
    sink = sinks.DirectorySink(str(tmp_path))
    path = sink.write(_report(), 'text\n')
    assert os.path.basename(path) == (
        'zaqar-lite_gurumeditation_20260102030405678_4321')
    with open(path) as stream:
        assert stream.read() == 'text\n'


def test_file_name_has_the_worker_id_under_uwsgi(tmp_path):
    path = sinks.DirectorySink(str(tmp_path)).write(_report(3), 'x')
    assert os.path.basename(path).endswith('_4321_w3')


def test_report_file_is_private(tmp_path):
    path = sinks.DirectorySink(str(tmp_path)).write(_report(), 'x')
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_reports_in_the_same_millisecond_get_distinct_names(tmp_path):
    sink = sinks.DirectorySink(str(tmp_path))
    paths = [sink.write(_report(), str(i)) for i in range(3)]
    assert len(set(paths)) == 3
    assert sorted(os.listdir(tmp_path)) == [os.path.basename(p)
                                            for p in paths]
    assert paths[1].endswith('20260102030405679_4321')


def test_a_failed_write_leaves_no_partial_file(tmp_path):
    sink = sinks.DirectorySink(str(tmp_path))
    with pytest.raises(UnicodeEncodeError):  # a lone surrogate
        sink.write(_report(), 'half a report \udcff')
    assert os.listdir(tmp_path) == []


def test_one_line_on_stderr_says_where_the_report_went(tmp_path, capfd):
    path = sinks.DirectorySink(str(tmp_path)).write(_report(), 'x')
    err = capfd.readouterr().err
    assert err.count('\n') == 1
    assert err.endswith('Guru Meditation report written to %s\n' % path)


def test_log_dir_option_chooses_the_sink(tmp_path):
    assert isinstance(sinks.from_log_dir(None), sinks.StderrSink)
    sink = sinks.from_log_dir(str(tmp_path))
    assert isinstance(sink, sinks.DirectorySink)
    assert sink.log_dir == str(tmp_path)


def test_a_missing_report_directory_is_created_private(tmp_path):
    log_dir = tmp_path / 'reports' / 'gmr'
    path = sinks.DirectorySink(str(log_dir)).write(_report(), 'x')
    assert open(path).read() == 'x'
    assert stat.S_IMODE(os.stat(log_dir).st_mode) == 0o700
