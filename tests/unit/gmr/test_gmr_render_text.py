"""The text view: the oslo.reports layout, exactly."""

import datetime

from gmr import model
from gmr.render import text

STAMP = datetime.datetime(2026, 1, 2, 3, 4, 5, 678000,
                          tzinfo=datetime.timezone.utc)


def _report(*sections, answers=2, worker_id=None):
    header = model.Header('svc', 'wsgi', 42, worker_id, STAMP, answers)
    return model.Report(header, list(sections))


def _frame(line, code='x = 1'):
    return {'path': '/a/b.py', 'line': line, 'function': 'f', 'code': code}


def test_banner_is_three_lines_of_72_with_the_title_centred_in_64():
    lines = text.banner('Package').split('\n')
    assert lines[0] == '=' * 72
    assert lines[2] == '=' * 72
    assert lines[1] == '====' + ' ' * 28 + 'Package' + ' ' * 29 + '===='
    assert len(lines[1]) == 72


def test_report_opens_with_guru_meditation_banner_and_pipe_row():
    lines = text.render(_report()).split('\n')
    assert lines[:4] == text.banner('Guru Meditation').split('\n') + [
        '|' * 72]
    assert lines[1] == '====' + 'Guru Meditation'.center(64) + '===='


def test_header_lines_say_who_when_and_how_many_triggers():
    out = text.render(_report(answers=3, worker_id=2))
    for line in ('Service: svc', 'Run mode: wsgi', 'PID: 42',
                 'Worker ID: 2', 'Time: 2026-01-02T03:04:05.678Z',
                 'This report answers 3 triggers.'):
        assert line + '\n' in out
    assert 'answers 1 trigger.' in text.render(_report(answers=1))
    assert 'Worker ID: -\n' in text.render(_report())


def test_thread_block_rule_and_frames_follow_oslo_reports():
    thread = {'name': 'Main', 'ident': 7, 'native_id': 8, 'daemon': False,
              'stack': [_frame(3), _frame(4, None)]}
    out = text.section_text(model.Section('Threads', 'threads', [thread]))
    rule = '------' + ' Thread #7 '.center(60) + '------'
    assert len(rule) == 72
    assert out.split('\n')[3] == rule
    assert 'Name: Main, native id: 8, daemon: False\n' in out
    assert '\n/a/b.py:3 in f\n    `x = 1`\n' in out
    assert '\n/a/b.py:4 in f\n    (source not found)\n' in out


def test_grouped_green_threads_show_the_count():
    group = {'count': 50, 'members': [{'id': '0x1'}], 'stack': [_frame(1)]}
    out = text.section_text(
        model.Section('Green Threads', 'green_threads', [group]))
    assert ('------' + ' Green Thread x50 '.center(60) + '------') in out


def test_sections_render_in_order_and_an_error_is_one_line():
    report = _report(model.Section('Package', 'package', {'product': 'p'}),
                     model.Section('Broken', error='ValueError: boom'),
                     model.Section('Mine', data={'k': [1, 2]}))
    out = text.render(report)
    assert out.index('Package') < out.index('Broken') < out.index('Mine')
    assert 'product = p\n' in out
    assert '\nERROR: section failed: ValueError: boom\n' in out
    assert 'k = \n  1\n  2\n' in out


def test_configuration_lists_groups_and_options():
    data = {'DEFAULT': {'debug': False}, 'redis': {'uri': 'redis://h'}}
    out = text.section_text(model.Section('Configuration', 'configuration',
                                          data))
    assert 'DEFAULT:\n  debug = False\n\nredis:\n  uri = redis://h\n' in out
