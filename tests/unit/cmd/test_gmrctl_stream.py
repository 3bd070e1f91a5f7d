"""Unit tests of zaqar_lite.gmrctl.stream: finding a report in a stream."""

import json
import time

from gmr.render import json as json_render
from tests.unit.cmd.sample_reports import LOG_LINE
from tests.unit.cmd.sample_reports import make_report
from tests.unit.cmd.sample_reports import now_ms
from zaqar_lite.gmrctl.stream import find_report


def test_whole_text_report_is_found_once_settled():
    _, text = make_report()
    since = now_ms() - 1000
    assert find_report(LOG_LINE + text, 4242, since, True) == text
    assert find_report(text, 4242, since, False) is None


def test_truncated_text_report_is_not_whole():
    _, text = make_report()
    cut = text[:text.index('Transport')]
    assert find_report(cut, 4242, now_ms() - 1000, True) is None


def test_text_report_stops_at_the_next_log_line():
    _, text = make_report()
    # A busy log never settles: the line after the report ends it.
    found = find_report(text + LOG_LINE, 4242, now_ms() - 1000, False)
    assert found == text


def test_reports_of_other_pids_or_older_ones_are_skipped():
    _, other = make_report(pid=1)
    _, old = make_report(when=time.time() - 60)
    _, mine = make_report()
    since = now_ms() - 1000
    stream = other + old + mine
    assert find_report(stream, 4242, since, True) == mine
    assert find_report(other + old, 4242, since, True) is None


def test_json_report_needs_no_settling_but_must_be_whole():
    _, text = make_report(fmt='json')
    since = now_ms() - 1000
    found = find_report(LOG_LINE + text + '\n' + LOG_LINE, 4242, since,
                        False)
    assert found == text + '\n'
    assert find_report(text[:-5], 4242, since, True) is None


def test_json_report_is_found_however_it_is_indented():
    report, _ = make_report(fmt='json')
    compact = json.dumps(json_render.to_dict(report))
    found = find_report(LOG_LINE + compact + '\n', 4242, now_ms() - 1000,
                        False)
    assert found == compact + '\n'
