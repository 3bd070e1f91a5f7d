"""The WSGI application uWSGI loads: the v2 HTTP API in uwsgi run mode.

``etc/uwsgi.ini`` names this module; its module-level ``application`` is
built at import from the configuration file in ``ZAQAR_LITE_CONFIG_FILE``
(set by the ini). A missing or invalid configuration raises
:class:`StartupError` with a one-line reason, and uWSGI (``need-app``)
stops.

Guru Meditation Reports come from every worker, never from the master
(which serves no request: its report would only add noise). uWSGI forks
its workers with a C ``fork()``: no Python thread of the master survives
it, and Python's at-fork hooks only run with ``py-call-osafterfork``. So
the report threads (builder and trigger-file watcher) are started in each
worker by uWSGI's post-fork hook, which runs with or without that option,
or at import when the worker loads the application itself
(``lazy-apps``).
"""

import functools
import logging
import os
from typing import Callable, Mapping, Optional

from oslo_config import cfg

from gmr.triggers import file as file_trigger
from zaqar_lite import bootstrap
from zaqar_lite.transport.wsgi import app as wsgi_app

LOG = logging.getLogger(__name__)

#: The environment variable naming the configuration file.
CONFIG_ENV = 'ZAQAR_LITE_CONFIG_FILE'

RUN_MODE = 'uwsgi'


class StartupError(RuntimeError):
    """The service cannot start; the message says why, in one line."""


def load_config(environ: Mapping[str, str] = os.environ
                ) -> cfg.ConfigOpts:
    """Parse and check the file named by ``ZAQAR_LITE_CONFIG_FILE``.

    Only that file is read (no default locations), and every option value
    is checked now, so that a typo fails the start, not a request.

    :raises StartupError: the variable is unset, the file is missing or
        unreadable, or a value is invalid.
    """
    path = environ.get(CONFIG_ENV)
    if not path:
        raise StartupError(
            '%s is not set: name the configuration file in the uWSGI ini '
            '(env = %s=/path/to/zaqar-lite-uwsgi.conf)'
            % (CONFIG_ENV, CONFIG_ENV))
    if not os.path.isfile(path):
        raise StartupError('%s=%s: no such configuration file (working '
                           'directory: %s)' % (CONFIG_ENV, path, os.getcwd()))
    try:
        conf = bootstrap.make_config(['--config-file', path],
                                     default_config_files=[])
        _check_values(conf)
    except cfg.Error as exc:
        raise StartupError('invalid configuration in %s: %s'
                           % (path, _one_line(exc))) from exc
    return conf


def _check_values(conf: cfg.ConfigOpts) -> None:
    """Read every option once: oslo.config only checks a value when read.
    """
    for name in list(conf):
        value = conf[name]
        if isinstance(value, cfg.ConfigOpts.GroupAttr):
            for opt_name in list(value):
                value[opt_name]


def _one_line(exc: Exception) -> str:
    return ' '.join(str(exc).split())


def prepare_report_paths(conf: cfg.ConfigOpts) -> None:
    """Create the report directory and the trigger file (mode 0600), with
    their directories (mode 0700), so that ``touch`` works at once."""
    group = conf.oslo_reports
    if group.log_dir:
        os.makedirs(group.log_dir, mode=0o700, exist_ok=True)
    if group.file_event_handler:
        directory = os.path.dirname(group.file_event_handler)
        if directory:
            os.makedirs(directory, mode=0o700, exist_ok=True)
        file_trigger.ensure_trigger_file(group.file_event_handler)


def create_application(environ: Mapping[str, str] = os.environ
                       ) -> Callable:
    """Build the service and its WSGI application, in uwsgi run mode.

    :raises StartupError: see :func:`load_config`; also when the storage
        or the report paths cannot be set up.
    """
    service = _start_service(environ)
    service.stats.address = _listening_address()
    application = wsgi_app.create_app(service.api, service.stats)
    _report_from_workers(service)
    return application


def _start_service(environ: Mapping[str, str]) -> bootstrap.Service:
    """Configuration, logging, report paths and storage; any failure is
    one logged line and a StartupError."""
    try:
        conf = load_config(environ)
        bootstrap.setup_logging(conf)
        LOG.info('Configuration: %s', os.path.abspath(environ[CONFIG_ENV]))
        prepare_report_paths(conf)
        return bootstrap.Service(conf, RUN_MODE)
    except StartupError as exc:
        _log_startup_failure(exc)
        raise
    except Exception as exc:
        _log_startup_failure(exc)
        raise StartupError(_one_line(exc)) from exc


def _log_startup_failure(exc: Exception) -> None:
    logging.basicConfig(format='%(asctime)s %(process)d %(levelname)s '
                               '%(name)s %(message)s')
    LOG.error('zaqar-lite cannot start: %s', _one_line(exc))


def _uwsgi():
    """The ``uwsgi`` module, or None outside uWSGI."""
    try:
        import uwsgi
    except ImportError:
        return None
    return uwsgi


def _listening_address() -> Optional[str]:
    """The sockets uWSGI serves on, as its options name them."""
    uwsgi = _uwsgi()
    if uwsgi is None:
        return None
    values = []
    for name in ('http-socket', 'socket', 'http'):
        value = uwsgi.opt.get(name)
        for item in value if isinstance(value, list) else [value]:
            if item:
                values.append(item.decode() if isinstance(item, bytes)
                              else str(item))
    return ', '.join(values) or None


def _report_from_workers(service: bootstrap.Service) -> None:
    """Start the report threads in each worker, never in the master."""
    uwsgi = _uwsgi()
    if uwsgi is None or uwsgi.worker_id() > 0:
        # Outside uWSGI, or a worker loading the application (lazy-apps).
        _start_reports(service)
        return
    import uwsgidecorators
    uwsgidecorators.postfork(functools.partial(_start_reports, service))


def _start_reports(service: bootstrap.Service) -> None:
    """Answer report triggers in this process (a worker, not a mule)."""
    uwsgi = _uwsgi()
    worker_id = uwsgi.worker_id() if uwsgi is not None else None
    if worker_id == 0:  # a mule or the spooler: not serving requests
        return
    service.start_reports()
    trigger = service.conf.oslo_reports.file_event_handler
    LOG.info('Worker %s (pid %d) serving; Guru Meditation Report %s',
             worker_id, os.getpid(), 'on changes of %s' % trigger
             if trigger else 'not triggerable (no file_event_handler)')


application = create_application()
