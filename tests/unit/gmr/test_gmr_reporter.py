"""The Reporter: isolated sections, one report at a time, coalescing."""

import asyncio
import json
import os
import threading

import pytest

from gmr import reporter as reporter_mod
from gmr import sinks
import gmr_testlib

VERSION = {'product': 'zaqar-lite', 'vendor': 'v', 'version': '1',
           'package': '1-1'}


@pytest.fixture
def reporter(tmp_path):
    rep = reporter_mod.Reporter()
    rep.configure(service_name='svc', run_mode='wsgi', version=VERSION,
                  sink=sinks.DirectorySink(str(tmp_path)), fmt='json')
    yield rep
    rep.stop()


def _names(tmp_path):
    """Finished report files (a temporary file is not one yet)."""
    return sorted(n for n in os.listdir(tmp_path)
                  if '_gurumeditation_' in n)


def _reports(tmp_path):
    return [json.loads((tmp_path / n).read_text()) for n in _names(tmp_path)]


def test_base_sections_come_in_the_oslo_reports_order(reporter):
    reporter.register_section('Mine', lambda: {'k': 1})
    titles = [s.title for s in reporter.build().sections]
    assert titles == ['Package', 'Threads', 'Processes', 'Runtime', 'Mine']


def test_a_raising_section_is_isolated(reporter):
    reporter.register_section('Broken', lambda: {}['missing'])
    reporter.register_section('After', lambda: 'still here')
    report = reporter.build()
    broken = report.section('Broken')
    assert broken.data is None
    assert broken.error.startswith("KeyError: 'missing' (at ")
    assert '\n' not in broken.error
    assert report.section('After').data == 'still here'
    assert report.section('Package').data == VERSION


def test_a_failing_sink_never_raises_into_the_caller(reporter, capfd):
    class BrokenSink:
        def write(self, report, text):
            raise OSError('disk full')

    reporter.sink = BrokenSink()
    assert reporter.emit(1) is None
    assert 'Unable to write Guru Meditation report: OSError: disk full' in (
        capfd.readouterr().err)


def test_triggers_during_a_build_coalesce_into_one_follow_up(
        reporter, tmp_path):
    entered, release = threading.Event(), threading.Event()
    calls = []

    def slow():
        calls.append(1)
        if len(calls) == 1:
            entered.set()
            release.wait(5)
        return len(calls)

    reporter.register_section('Slow', slow)
    reporter.start()
    reporter.trigger()
    assert entered.wait(5)
    for _ in range(5):
        reporter.trigger()
    release.set()
    assert gmr_testlib.wait_for(
        lambda: len(_names(tmp_path)) == 2 and reporter.answered == 6)
    reports = _reports(tmp_path)
    assert [r['header']['answers'] for r in reports] == [1, 5]
    assert len(_names(tmp_path)) == 2 and len(calls) == 2


def test_trigger_count_adds_up_and_the_header_answers_it(reporter,
                                                         tmp_path):
    reporter.start()
    reporter.trigger(3)
    assert gmr_testlib.wait_for(lambda: _names(tmp_path))
    doc = _reports(tmp_path)[0]
    assert doc['header']['answers'] == 3
    assert doc['header']['service'] == 'svc'
    runtime = [s for s in doc['sections'] if s['title'] == 'Runtime'][0]
    assert runtime['data']['triggers_received'] == 3


def test_stop_ends_the_builder_thread(reporter):
    reporter.start()
    thread = reporter._thread
    reporter.stop()
    assert not thread.is_alive()
    reporter.trigger()  # after stop: recorded, nothing else happens


def test_after_fork_gives_the_child_its_own_builder(reporter, tmp_path):
    reporter.start()
    pid = os.fork()
    if pid == 0:  # the child: only os._exit may leave it
        code = 1
        try:
            reporter.after_fork()
            reporter.trigger()
            if gmr_testlib.wait_for(lambda: _names(tmp_path)):
                code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    names = _names(tmp_path)
    assert len(names) == 1 and names[0].endswith('_%d' % pid)
    assert _reports(tmp_path)[0]['header']['pid'] == pid
    assert reporter.requested == reporter.answered == 0


def test_the_builder_survives_a_section_raising_system_exit(
        reporter, tmp_path):
    calls = []

    def exits():
        calls.append(1)
        if len(calls) == 1:
            raise SystemExit(3)
        return 'ok'

    reporter.register_section('Exits', exits)
    reporter.start()
    reporter.trigger()
    assert gmr_testlib.wait_for(lambda: reporter.answered == 1)
    reporter.trigger()
    assert gmr_testlib.wait_for(lambda: _names(tmp_path))
    assert reporter._thread.is_alive()


def test_requests_made_before_start_are_answered_by_it(reporter, tmp_path):
    reporter.trigger(2)
    reporter.start()
    assert gmr_testlib.wait_for(lambda: _names(tmp_path))
    assert _reports(tmp_path)[0]['header']['answers'] == 2


def test_a_stopped_reporter_can_start_again(reporter, tmp_path):
    reporter.start()
    reporter.stop()
    reporter.start()
    reporter.trigger()
    assert gmr_testlib.wait_for(lambda: _names(tmp_path))


def test_asyncio_tasks_section_appears_for_a_loop(reporter):
    async def main():
        asyncio.current_task().set_name('service-main')
        reporter.loop = asyncio.get_running_loop()
        return reporter.build()

    report = asyncio.run(main())
    titles = [s.title for s in report.sections]
    assert titles.index('Asyncio Tasks') > titles.index('Processes')
    members = [m['name'] for g in report.section('Asyncio Tasks').data
               for m in g['members']]
    assert 'service-main' in members


def test_gmr_stands_alone():
    done = gmr_testlib.run_script(
        'import sys, gmr, gmr.autorun, gmr.render\n'
        'print(sorted(m for m in sys.modules if m.startswith('
        '("zaqar_lite", "oslo_reports"))))\n')
    assert done.returncode == 0, done.stderr
    assert done.stdout == '[]\n'
