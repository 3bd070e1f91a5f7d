"""The faulthandler first stage: a C-level dump even while the GIL is held.
"""

import os
import re
import signal

import gmr_testlib

STUCK_LINE = "re.match(r'(a+)+$', 'a' * 25 + 'b')"
STUCK = '''
import re, sys
from oslo_config import cfg
import gmr

conf = cfg.ConfigOpts()
conf(sys.argv[1:])
gmr.setup_autorun(conf, service_name='svc', run_mode='wsgi',
                  version={'product': 'p'})
print('ready', flush=True)
sys.stdin.readline()
print('stuck', flush=True)
# One C call that holds the GIL for about a second.
%s
print('free', flush=True)
sys.stdin.readline()
''' % STUCK_LINE


def _files(log_dir, kind):
    return [log_dir / n for n in os.listdir(log_dir) if kind in n]


def _dump(log_dir):
    return ''.join(p.read_text() for p in _files(log_dir, '_faulthandler_'))


def _signal_until_dumped_inside(proc, log_dir, line):
    """SIGUSR2 until a dump shows the main thread in the C call.

    The first signal may land just before the call starts; faulthandler
    answers every delivery, so ask again.
    """
    pattern = re.compile(
        r'Current thread 0x[0-9a-f]+ \(most recent call first\):\n'
        r'(  File .*\n)*?  File ".*gmr_script.py", line %d in <module>'
        % line)
    for _ in range(20):
        before = _dump(log_dir).count('Current thread')
        os.kill(proc.pid, signal.SIGUSR2)
        assert gmr_testlib.wait_for(
            lambda: _dump(log_dir).count('Current thread') > before)
        latest = _dump(log_dir).rsplit('Current thread', 1)[-1]
        if pattern.search('Current thread' + latest):
            return True
    return False


def test_dump_comes_at_once_and_the_full_report_after(tmp_path):
    log_dir = tmp_path / 'reports'
    log_dir.mkdir()
    conf = tmp_path / 'svc.conf'
    conf.write_text('[oslo_reports]\nlog_dir = %s\nfaulthandler = true\n'
                    % log_dir)
    proc = gmr_testlib.start_script(STUCK, tmp_path,
                                    ['--config-file', str(conf)])
    line = STUCK.split('\n').index(STUCK_LINE) + 1
    try:
        assert proc.stdout.readline() == 'ready\n'
        proc.stdin.write('go\n')
        proc.stdin.flush()
        assert proc.stdout.readline() == 'stuck\n'
        # Only a dump that needs no GIL can show the main thread inside
        # a C call that holds it.
        assert _signal_until_dumped_inside(proc, log_dir, line)
        assert proc.stdout.readline() == 'free\n'
        reports = gmr_testlib.wait_for(
            lambda: _files(log_dir, '_gurumeditation_'))
        proc.stdin.write('end\n')
        proc.stdin.flush()
        assert proc.wait(10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate()
    # The full report follows (the chained Python handler asked for it).
    assert 'This report answers ' in reports[0].read_text()
    name = _files(log_dir, '_faulthandler_')[0].name
    assert name == 'svc_faulthandler_%d' % proc.pid
    assert os.stat(log_dir / name).st_mode & 0o777 == 0o600
