"""Options of the [drivers:message_store:sqlite] group: the embedded store."""

import os

from oslo_config import cfg

from zaqar_lite.conf import groups

GROUP = cfg.OptGroup('drivers:message_store:sqlite',
                     title='SQLite storage driver')


def default_path() -> str:
    """Where the database lives when nothing is configured.

    ``$XDG_DATA_HOME/zaqar-lite/zaqar-lite.sqlite3`` (``~/.local/share`` by
    default), so that a server started from any directory finds the same
    messages again.
    """
    base = os.environ.get('XDG_DATA_HOME') or os.path.join(
        os.path.expanduser('~'), '.local', 'share')
    return os.path.join(base, 'zaqar-lite', 'zaqar-lite.sqlite3')


OPTS = [
    cfg.StrOpt('path', sample_default='$XDG_DATA_HOME/zaqar-lite/'
                                      'zaqar-lite.sqlite3',
               help='Path of the SQLite database file; its directory is '
                    'created if needed. Several processes (uWSGI workers, '
                    'servers of both transports) may share one file. '
                    'Default: zaqar-lite/zaqar-lite.sqlite3 under '
                    '$XDG_DATA_HOME (~/.local/share).'),
    cfg.StrOpt('synchronous', default='normal',
               choices=[('normal', 'acknowledged messages survive a crash '
                                   'of the server process'),
                        ('full', 'they also survive a power failure, at '
                                 'the cost of one fsync per write')],
               help='SQLite synchronous mode (with the WAL journal).'),
    cfg.FloatOpt('busy_timeout', default=30.0, min=0.1,
                 help='Seconds a write waits for another process holding '
                      'the database lock before the request fails with '
                      '503.'),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    groups.register(conf, GROUP, OPTS)
    # The real default, computed for this configuration, so that the
    # service and its report show the path actually used.
    conf.set_default('path', default_path(), group=GROUP.name)


def list_opts():
    return {GROUP: OPTS}
