"""setup_autorun: wire a reporter to its options, sink and trigger."""

import logging
import os
import signal
import sys
from typing import IO, Any, Mapping, Optional

from oslo_config import cfg

from gmr import opts
from gmr import reporter as reporter_mod
from gmr import sinks
from gmr.triggers import file as file_trigger
from gmr.triggers import signal as signal_trigger

LOG = logging.getLogger(__name__)


def _faulthandler_file(reporter: reporter_mod.Reporter,
                       log_dir: Optional[str]) -> IO:
    """Where faulthandler dumps: stderr, or one file per process."""
    if not log_dir:
        return sys.stderr
    name = '%s_faulthandler_%d' % (reporter.service_name, os.getpid())
    fd = os.open(os.path.join(log_dir, name),
                 os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    return os.fdopen(fd, 'a', buffering=1)


def _ignore_sigusr2() -> None:
    """Make SIGUSR2 harmless where it triggers nothing (its default
    action kills the process).

    An operator used to ``kill -USR2`` must not take the server down when
    reports are triggered otherwise (under uWSGI, or with a trigger file):
    the disposition is "ignore" (no Python handler), inherited by the
    workers uWSGI forks.
    """
    try:
        signal.signal(signal.SIGUSR2, signal.SIG_IGN)
    except ValueError:  # not the main thread: leave it as it is
        LOG.debug('SIGUSR2 left as it is (not on the main thread)')


def _install_trigger(reporter: reporter_mod.Reporter, group: Any,
                     start: bool) -> None:
    """File trigger if configured; else SIGUSR2, except under uWSGI."""
    if reporter.run_mode == 'uwsgi' or group.file_event_handler:
        _ignore_sigusr2()
    if group.file_event_handler:
        _install_file(reporter, group, start)
    elif reporter.run_mode == 'uwsgi':
        LOG.warning('No Guru Meditation Report trigger is configured: set '
                    '[oslo_reports] file_event_handler (under uWSGI '
                    'SIGUSR2 is ignored, it never triggers a report)')
    else:
        _install_signal(reporter, group)


def _install_file(reporter: reporter_mod.Reporter, group: Any,
                  start: bool) -> None:
    """The file trigger; with ``start`` False its thread waits for a fork.

    The file's state is read now either way, so a change made before the
    watcher runs still counts.
    """
    trigger = file_trigger.FileTrigger(
        group.file_event_handler, group.file_event_handler_interval,
        reporter.wake)
    reporter.triggers.append(trigger)
    if start:
        trigger.start()
    else:
        trigger.baseline()


def _install_signal(reporter: reporter_mod.Reporter, group: Any) -> None:
    """SIGUSR2, with the faulthandler stage first when asked for."""
    trigger = signal_trigger.SignalTrigger(reporter.wake)
    try:
        trigger.install()
    except ValueError as exc:  # not called on the main thread
        LOG.error('Guru Meditation Report: SIGUSR2 trigger not installed: '
                  '%s', exc)
        return
    reporter.triggers.append(trigger)
    if not group.faulthandler:
        return
    try:
        trigger.add_faulthandler(_faulthandler_file(reporter, group.log_dir))
    except (OSError, ValueError, RuntimeError, AttributeError) as exc:
        # e.g. no usable stderr: the full report still works.
        LOG.error('Guru Meditation Report: faulthandler stage not '
                  'installed: %s', exc)


def _in_uwsgi_master() -> bool:
    """Whether this is the uWSGI master, about to fork its workers.

    Threads running in a process that forks can leave locks held in the
    children; the master serves no request, so its reporter waits for
    the workers (uWSGI's post-fork hook) to start its threads.
    """
    try:
        import uwsgi
        return int(uwsgi.worker_id()) == 0
    except Exception:  # not under uWSGI
        return False


def _hook_forks(reporter: reporter_mod.Reporter) -> None:
    """Restart the reporter's threads in forked children.

    Python's at-fork hooks cover os.fork(); uWSGI forks its workers in C
    and runs them only with ``py-call-osafterfork``, so its own post-fork
    hook is chained too (after_fork is idempotent).
    """
    os.register_at_fork(after_in_child=reporter.after_fork)
    try:
        import uwsgidecorators
    except ImportError:  # not under uWSGI
        return
    # uwsgidecorators keeps the chain of post-fork functions: assigning
    # uwsgi.post_fork_hook directly would be undone by a later import of
    # uwsgidecorators (by the application, say).
    uwsgidecorators.postfork(reporter.after_fork)


def setup_autorun(reporter: reporter_mod.Reporter, conf: cfg.ConfigOpts, *,
                  service_name: str, run_mode: str, version: Mapping,
                  config: Optional[cfg.ConfigOpts] = None,
                  loop: Any = None) -> reporter_mod.Reporter:
    """Configure ``reporter`` from ``conf`` and install its trigger once."""
    if reporter.set_up:
        LOG.debug('Guru Meditation Report already set up')
        return reporter
    opts.register_opts(conf)
    group = conf.oslo_reports
    reporter.configure(
        service_name=service_name, run_mode=run_mode, version=version,
        config=config if config is not None else conf, loop=loop,
        sink=sinks.from_log_dir(group.log_dir), fmt=group.format)
    in_master = _in_uwsgi_master()
    if in_master:
        reporter.arm()
    else:
        reporter.start()
    _install_trigger(reporter, group, start=not in_master)
    reporter.set_up = True
    _hook_forks(reporter)
    return reporter
