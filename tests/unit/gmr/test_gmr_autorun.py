"""setup_autorun: options, trigger choice, run modes, installing once."""

import json
import logging
import signal
import threading

import pytest
from oslo_config import cfg

from gmr import autorun
from gmr import reporter as reporter_mod
from gmr.triggers import file as file_trigger
from gmr.triggers import signal as signal_trigger
import gmr_testlib

VERSION = {'product': 'zaqar-lite', 'vendor': 'v', 'version': '1',
           'package': '1-1'}


@pytest.fixture
def reporter():
    rep = reporter_mod.Reporter()
    yield rep
    rep.stop()
    signal.signal(signal.SIGUSR2, signal.SIG_DFL)  # uwsgi mode ignores it


def _conf(**reports):
    conf = cfg.ConfigOpts()
    conf([])
    if reports:
        autorun.opts.register_opts(conf)
        for name, value in reports.items():
            conf.set_override(name, value, group='oslo_reports')
    return conf


def _setup(reporter, conf, run_mode='wsgi', **kwargs):
    return autorun.setup_autorun(reporter, conf, service_name='svc',
                                 run_mode=run_mode, version=VERSION,
                                 **kwargs)


def test_default_is_sigusr2_installed_once(reporter):
    conf = _conf()
    assert _setup(reporter, conf) is reporter
    _setup(reporter, conf)
    assert len(reporter.triggers) == 1
    trigger = reporter.triggers[0]
    assert isinstance(trigger, signal_trigger.SignalTrigger)
    assert signal.getsignal(signal.SIGUSR2) == trigger._handle
    assert conf.oslo_reports.file_event_handler_interval == 1
    reporter.stop()
    assert signal.getsignal(signal.SIGUSR2) == signal.SIG_DFL


def test_file_event_handler_replaces_the_signal(reporter, tmp_path):
    _setup(reporter, _conf(file_event_handler=str(tmp_path / 'trigger')))
    assert [type(t) for t in reporter.triggers] == [file_trigger.FileTrigger]
    # No handler, and not the default action either (which kills).
    assert signal.getsignal(signal.SIGUSR2) == signal.SIG_IGN


def test_uwsgi_without_trigger_file_warns_and_ignores_sigusr2(
        reporter, caplog):
    with caplog.at_level(logging.WARNING, logger='gmr.autorun'):
        _setup(reporter, _conf(), run_mode='uwsgi')
    assert reporter.triggers == []
    # No Python handler: the signal is ignored, it can kill nothing.
    assert signal.getsignal(signal.SIGUSR2) == signal.SIG_IGN
    assert 'No Guru Meditation Report trigger is configured' in caplog.text
    assert 'file_event_handler' in caplog.text


def test_uwsgi_with_trigger_file_uses_it(reporter, tmp_path):
    _setup(reporter, _conf(file_event_handler=str(tmp_path / 't')),
           run_mode='uwsgi')
    assert [type(t) for t in reporter.triggers] == [file_trigger.FileTrigger]
    assert signal.getsignal(signal.SIGUSR2) == signal.SIG_IGN


def test_configuration_section_shows_the_config_passed_in(reporter):
    service_conf = cfg.ConfigOpts()
    service_conf.register_opt(cfg.StrOpt('only_here', default='yes'))
    service_conf([])
    _setup(reporter, _conf(), config=service_conf)
    data = reporter.build().section('Configuration').data
    assert data['DEFAULT']['only_here'] == 'yes'


def test_log_dir_and_format_options_are_used(reporter, tmp_path):
    _setup(reporter, _conf(log_dir=str(tmp_path), format='json'))
    reporter.trigger()
    reports = gmr_testlib.wait_for(
        lambda: list(tmp_path.glob('svc_gurumeditation_*')))
    doc = json.loads(reports[0].read_text())
    assert doc['schema'] == 'gmr/1'
    assert doc['header']['run_mode'] == 'wsgi'


PUBLIC_API = '''
import sys
from oslo_config import cfg
import gmr

gmr.register_section('Early', lambda: {'registered': 'before setup'})
conf = cfg.ConfigOpts()
conf([])
first = gmr.setup_autorun(conf, service_name='svc', run_mode='wsgi',
                          version={'product': 'p'})
second = gmr.setup_autorun(conf, service_name='other', run_mode='wsgi',
                           version={'product': 'p'})
gmr.register_section('Late', lambda: 'after setup')
assert first is second is gmr.default_reporter()
print(len(first.triggers), first.service_name)
titles = [s.title for s in first.build().sections]
print(titles[-2:])
'''


def test_public_api_installs_once_and_keeps_registered_sections(tmp_path):
    done = gmr_testlib.run_script(PUBLIC_API, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "1 svc\n['Early', 'Late']\n"


def test_setup_off_the_main_thread_logs_instead_of_failing(reporter,
                                                           caplog):
    done = []
    worker = threading.Thread(
        target=lambda: done.append(_setup(reporter, _conf())))
    with caplog.at_level(logging.ERROR, logger='gmr.autorun'):
        worker.start()
        worker.join(5)
    assert done == [reporter] and reporter.triggers == []
    assert 'SIGUSR2 trigger not installed' in caplog.text
