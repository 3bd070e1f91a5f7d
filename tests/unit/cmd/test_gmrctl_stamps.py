"""Unit tests of zaqar_lite.gmrctl.stamps: times and names as gmr writes
them."""

from gmr import sinks
from gmr.render import json as json_render
from tests.unit.cmd.sample_reports import make_report
from zaqar_lite.gmrctl import directory_watch
from zaqar_lite.gmrctl import stamps


def test_header_time_and_file_name_parse_back_to_the_report_time():
    when = 1795795200.123
    report, text = make_report(when=when)
    stamp = json_render.timestamp(report.header)
    assert stamps.header_ms(stamp) == 1795795200123
    name = sinks.DirectorySink('/tmp').filename(report.header)
    match = directory_watch.FILE_NAME.match(name)
    assert match and match.group('pid') == '4242'
    assert stamps.name_ms(match.group('stamp')) == 1795795200123


def test_every_millisecond_parses_back_exactly():
    base = 1795651200000  # 2026-11-26T00:00:00Z
    for ms in range(1000):
        assert stamps.header_ms('2026-11-26T00:00:00.%03dZ' % ms) == (
            base + ms)
        assert stamps.name_ms('20261126000000%03d' % ms) == base + ms
