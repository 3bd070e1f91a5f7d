"""Wiring shared by every run mode: configuration, logging, storage, the
v2 API and the transport's figures."""

import logging
import sys

from oslo_config import cfg

import gmr
import gmr.opts
import zaqar_lite.conf
from zaqar_lite.api import v2
from zaqar_lite import reports
from zaqar_lite import storage
from zaqar_lite.transport import stats as transport_stats
from zaqar_lite import version

LOG = logging.getLogger(__name__)

RUN_MODES = ('wsgi', 'websocket', 'uwsgi')

CLI_OPTS = [
    cfg.StrOpt('transport', dest='transport_override',
               choices=['wsgi', 'websocket'],
               help='Transport to serve, overriding [drivers] transport.'),
    cfg.BoolOpt('debug', short='d', default=False,
                help='Log at debug level.'),
]


def make_config(argv: list[str] | None = None,
                default_config_files: list[str] | None = None
                ) -> cfg.ConfigOpts:
    """A new ``ConfigOpts`` with every option registered and parsed.

    :param argv: command-line arguments (``--config-file``,
        ``--config-dir``, ``--transport``, ...); None reads ``sys.argv``.
    """
    conf = cfg.ConfigOpts()
    zaqar_lite.conf.register_opts(conf)
    gmr.opts.register_opts(conf)
    conf.register_cli_opts(CLI_OPTS)
    conf(args=sys.argv[1:] if argv is None else argv, project='zaqar-lite',
         version=version.version_string(),
         default_config_files=default_config_files)
    return conf


def setup_logging(conf: cfg.ConfigOpts) -> None:
    """Log to standard error, one line per record with the pid."""
    logging.basicConfig(
        stream=sys.stderr, level=logging.DEBUG if conf.debug else logging.INFO,
        format='%(asctime)s %(process)d %(levelname)s %(name)s %(message)s')


class Service:
    """What a run mode serves with: storage, the v2 API and its figures.

    :param conf: the parsed configuration the service runs with.
    :param run_mode: one of ``RUN_MODES``.
    """

    def __init__(self, conf: cfg.ConfigOpts, run_mode: str):
        if run_mode not in RUN_MODES:
            raise ValueError('unknown run mode %r' % run_mode)
        self.conf = conf
        self.run_mode = run_mode
        self.storage = storage.load(conf)
        self.api = v2.API(conf, self.storage)
        self.stats = transport_stats.TransportStats(run_mode)
        self._sections_added = False
        LOG.info('zaqar-lite %s (%s mode): %s storage at %s',
                 version.version_string(), run_mode, self.storage.name,
                 self.storage.location())

    def start_reports(self, loop=None) -> gmr.Reporter:
        """Make this process answer GMR triggers, as its run mode says.

        SIGUSR2 in wsgi and websocket mode, the file trigger when
        ``[oslo_reports] file_event_handler`` is set (always, in uwsgi
        mode). Adds the Queues and Transport sections.

        :param loop: the asyncio loop whose tasks the report lists.
        """
        reporter = gmr.setup_autorun(
            self.conf, service_name='zaqar-lite', run_mode=self.run_mode,
            version={'product': version.PRODUCT, 'vendor': version.VENDOR,
                     'version': version.version_string(),
                     'package': version.package_string()},
            config=self.conf, loop=loop)
        if not self._sections_added:
            gmr.register_section('Queues',
                                 reports.queues_section(self.storage))
            gmr.register_section('Transport',
                                 reports.transport_section(self.stats))
            self._sections_added = True
        return reporter

    def close(self) -> None:
        """Release storage; the service is unusable afterwards."""
        self.storage.close()
