"""Under eventlet monkey patching the builder is still a real OS thread."""

import os
import signal

import gmr_testlib

SERVICE = '''
import eventlet
eventlet.monkey_patch()
import sys
from oslo_config import cfg
import gmr

conf = cfg.ConfigOpts()
conf(sys.argv[1:])
gmr.setup_autorun(conf, service_name='svc', run_mode='wsgi',
                  version={'product': 'p'})


def nap():
    eventlet.sleep(60)


pool = [eventlet.spawn(nap) for _ in range(50)]
eventlet.sleep(0)  # let every green thread start and park in nap()
print('ready', flush=True)
eventlet.sleep(60)
'''


def test_green_threads_are_grouped_in_a_signalled_report(tmp_path):
    log_dir = tmp_path / 'reports'
    log_dir.mkdir()
    conf = tmp_path / 'svc.conf'
    conf.write_text('[oslo_reports]\nlog_dir = %s\n' % log_dir)
    proc = gmr_testlib.start_script(SERVICE, tmp_path,
                                    ['--config-file', str(conf)])
    try:
        assert proc.stdout.readline() == 'ready\n'
        os.kill(proc.pid, signal.SIGUSR2)
        names = gmr_testlib.wait_for(lambda: [
            n for n in os.listdir(log_dir) if '_gurumeditation_' in n])
        report = (log_dir / names[0]).read_text()
    finally:
        proc.kill()
        proc.communicate()
    assert ('------' + ' Green Thread x50 '.center(60) + '------') in report
    assert '`eventlet.sleep(60)`' in report
    threads = report.split('    Threads    ')[1].split('    Green Threads')[0]
    # A real thread: the Threads section (OS threads) shows it building.
    assert 'Name: gmr-report-builder,' in threads
    assert 'in emit' in threads
