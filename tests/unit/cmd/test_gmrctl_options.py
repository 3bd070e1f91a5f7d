"""Unit tests of zaqar_lite.gmrctl.options: the [oslo_reports] options."""

import pytest

from zaqar_lite.gmrctl import errors
from zaqar_lite.gmrctl import options


def test_report_options_read_the_oslo_reports_group(tmp_path):
    conf = tmp_path / 'z.conf'
    conf.write_text('[oslo_reports]\nlog_dir = /var/log/z\n'
                    'file_event_handler = /run/z.trigger\n'
                    '[drivers]\ntransport = wsgi\n')
    group = options.report_options([str(conf)], [])
    assert group.log_dir == '/var/log/z'
    assert group.file_event_handler == '/run/z.trigger'


def test_report_options_are_checked_at_once(tmp_path):
    conf = tmp_path / 'z.conf'
    conf.write_text('[oslo_reports]\nfile_event_handler_interval = 0\n')
    with pytest.raises(errors.GmrError, match='bad configuration'):
        options.report_options([str(conf)], [])


def test_report_options_errors_are_one_line(tmp_path):
    bad = tmp_path / 'bad.conf'
    bad.write_text('no section header\n')
    with pytest.raises(errors.GmrError, match='bad configuration') as exc:
        options.report_options([str(bad)], [])
    assert '\n' not in str(exc.value)
    with pytest.raises(errors.GmrError, match='cannot read'):
        options.report_options([str(tmp_path / 'missing.conf')], [])
