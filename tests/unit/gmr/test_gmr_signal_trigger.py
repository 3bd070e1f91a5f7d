"""SIGUSR2 in a real process: the handler only records, reports coalesce.
"""

import os
import re
import signal

import gmr_testlib

SERVICE = '''
import sys, time
from oslo_config import cfg
import gmr

conf = cfg.ConfigOpts()
conf(sys.argv[1:])
reporter = gmr.setup_autorun(
    conf, service_name='svc', run_mode='wsgi',
    version={'product': 'zaqar-lite', 'vendor': 'v', 'version': '1',
             'package': '1-1'})
print('ready', flush=True)
seen = 0
while True:
    # The main loop plays the service: it acknowledges each request.
    if reporter.requested != seen:
        seen = reporter.requested
        print(seen, flush=True)
    time.sleep(0.0005)
'''

ANSWERS = re.compile(r'This report answers (\d+) triggers?\.')
LAST_LINE = re.compile(r'\ntriggers_received = \d+\n$')


def _start(tmp_path, log_dir=None):
    """The service; with ``log_dir`` its reports go to files there."""
    conf = tmp_path / 'svc.conf'
    conf.write_text('[oslo_reports]\nlog_dir = %s\n' % (log_dir or ''))
    proc = gmr_testlib.start_script(SERVICE, tmp_path,
                                    ['--config-file', str(conf)])
    assert proc.stdout.readline() == 'ready\n'
    return proc


def _stop(proc):
    proc.terminate()
    return proc.communicate(timeout=10)


def _reports(log_dir):
    """The contents of the report files in ``log_dir``."""
    return [(log_dir / name).read_text() for name in sorted(
        os.listdir(log_dir)) if '_gurumeditation_' in name]


def _answered(log_dir):
    return sum(int(n) for r in _reports(log_dir) for n in ANSWERS.findall(r))


def _complete(report):
    """A report that went all the way to its last section's last line."""
    return (report.count('Guru Meditation') == 1 and
            '    Runtime    ' in report and bool(LAST_LINE.search(report)))


def _send_acknowledged(proc, count):
    """Send SIGUSR2 ``count`` times, each once the last one was recorded.

    Signals of one kind merge in the kernel until delivered, so a blind
    burst of 50 may be seen as fewer.
    """
    for sent in range(1, count + 1):
        os.kill(proc.pid, signal.SIGUSR2)
        while int(proc.stdout.readline()) < sent:
            pass


def test_fifty_signals_are_all_answered_by_complete_reports(tmp_path):
    log_dir = tmp_path / 'reports'
    log_dir.mkdir()
    proc = _start(tmp_path, log_dir)
    try:
        _send_acknowledged(proc, 50)
        assert gmr_testlib.wait_for(lambda: _answered(log_dir) >= 50)
        reports = _reports(log_dir)
    finally:
        _stop(proc)
    counts = [int(ANSWERS.search(r).group(1)) for r in reports]
    assert sum(counts) == 50
    assert 1 <= len(reports) <= 50
    assert all(_complete(r) for r in reports)


def test_the_report_is_built_off_the_main_thread_and_goes_to_stderr(
        tmp_path):
    proc = _start(tmp_path)
    try:
        _send_acknowledged(proc, 1)
        lines = []
        while not LAST_LINE.search('\n' + ''.join(lines[-1:])):
            lines.append(proc.stderr.readline())
    finally:
        _stop(proc)
    report = ''.join(lines)
    assert _complete(report)
    assert 'This report answers 1 trigger.' in report
    threads = report.split('    Threads    ')[1].split('    Processes ')[0]
    blocks = {b.split('Name: ')[1].split(',')[0]: b
              for b in threads.split('\n------')[1:]}
    assert 'in emit' in blocks['gmr-report-builder']
    main = blocks['MainThread']
    # The main thread may still be returning from the handler, but it
    # never builds: no report frame is ever on its stack.
    assert 'in emit' not in main and 'in build' not in main
    assert 'gmr_script.py' in main


def test_a_blind_burst_coalesces_and_the_process_lives_on(tmp_path):
    log_dir = tmp_path / 'reports'
    log_dir.mkdir()
    proc = _start(tmp_path, log_dir)
    try:
        for _ in range(50):
            os.kill(proc.pid, signal.SIGUSR2)
        assert int(proc.stdout.readline()) >= 1
        _send_acknowledged(proc, 0)
        assert gmr_testlib.wait_for(lambda: _reports(log_dir))
        assert proc.poll() is None
    finally:
        out, err = _stop(proc)
    reports = _reports(log_dir)
    counts = [int(ANSWERS.search(r).group(1)) for r in reports]
    assert 1 <= len(reports) <= sum(counts) <= 50
    assert all(_complete(r) for r in reports)
