"""Options of the [oslo_reports] group, named as in oslo.reports."""

from oslo_config import cfg

GROUP = cfg.OptGroup('oslo_reports', title='Guru Meditation Reports')

OPTS = [
    cfg.StrOpt('log_dir',
               help='Directory in which each report is written to its own '
                    'file. When unset, reports go to standard error.'),
    cfg.StrOpt('file_event_handler',
               help='A file whose change (touch, creation, replacement) '
                    'triggers a report. When set, SIGUSR2 does not.'),
    cfg.IntOpt('file_event_handler_interval', default=1, min=1,
               help='Seconds between two checks of file_event_handler.'),
    cfg.StrOpt('format', default='text',
               choices=[('text', 'the oslo.reports text layout'),
                        ('json', 'one versioned JSON document, with the '
                                 'same content')],
               help='Format of the reports.'),
    cfg.BoolOpt('faulthandler', default=False,
                help='Before the full report, dump every thread at once with '
                     "the standard library's faulthandler, which needs no "
                     'GIL: a process stuck in a C call still shows where.'),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    """Register the [oslo_reports] options on ``conf`` (idempotent).

    A fresh OptGroup per ConfigOpts: oslo.config keeps a group's option
    registry (overrides included) inside the OptGroup object, so sharing
    the module-level one would leak overrides between config objects.
    """
    group = cfg.OptGroup(GROUP.name, title=GROUP.title, help=GROUP.help)
    conf.register_group(group)
    conf.register_opts(OPTS, group=GROUP.name)


def list_opts() -> dict:
    """The options by group, for oslo-config-generator."""
    return {GROUP: OPTS}
