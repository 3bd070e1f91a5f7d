"""Reports made by a real ``gmr.Reporter``, for the zaqar-lite-gmr tests.

Made by gmr's own renderers, so the command's parsing is checked against
the layout gmr really writes.
"""

import datetime
import time

from oslo_config import cfg

import gmr
from zaqar_lite.gmrctl import stamps

LOG_LINE = '2026-11-27 16:16:11,774 4621 INFO zaqar_lite.x hello\n'


def make_report(pid: int = 4242, fmt: str = 'text',
                when: float = None) -> tuple:
    """(report model, rendered text) with every zaqar-lite section."""
    reporter = gmr.Reporter('zaqar-lite', 'wsgi')
    reporter.configure(service_name='zaqar-lite', run_mode='wsgi',
                       version={'product': 'zaqar-lite'},
                       config=cfg.ConfigOpts(), fmt=fmt)
    reporter.register_section('Queues', lambda: {'driver': 'sqlite'})
    reporter.register_section('Transport', lambda: {'handled': 3})
    report = reporter.build(answers=1)
    report.header.pid = pid
    if when is not None:
        report.header.timestamp = datetime.datetime.fromtimestamp(
            when, datetime.timezone.utc)
    return report, reporter.render(report)


def now_ms() -> int:
    """Now, in epoch milliseconds as report stamps are."""
    return stamps.epoch_ms(time.time())
