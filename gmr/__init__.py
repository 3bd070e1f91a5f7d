"""gmr: the Guru Meditation Report, a diagnostic dump of a live process.

Public API::

    gmr.register_section(title, generator)
    gmr.setup_autorun(conf, service_name=..., run_mode=..., version=...,
                      config=None, loop=None) -> gmr.Reporter
"""

from typing import Any, Callable, Mapping, Optional

from oslo_config import cfg

from gmr import autorun
from gmr.reporter import Reporter

__all__ = ['Reporter', 'default_reporter', 'register_section',
           'setup_autorun']

_DEFAULT = Reporter()


def default_reporter() -> Reporter:
    """The process-wide reporter that setup_autorun configures."""
    return _DEFAULT


def register_section(title: str, generator: Callable[[], Any]) -> None:
    """Add a section to every report of the process-wide reporter.

    ``generator`` takes no argument and returns plain JSON-able data
    (dicts, lists, strings, numbers); if it raises, only its own section
    shows a one-line error.
    """
    _DEFAULT.register_section(title, generator)


def setup_autorun(conf: cfg.ConfigOpts, *, service_name: str,
                  run_mode: str, version: Mapping,
                  config: Optional[cfg.ConfigOpts] = None,
                  loop: Any = None) -> Reporter:
    """Make the process report on request; returns the reporter.

    Registers the [oslo_reports] options on ``conf`` if needed. The
    Configuration section shows ``config or conf``. ``version`` is
    {'product', 'vendor', 'version', 'package'}; ``loop`` is the asyncio
    loop whose tasks to report. Trigger: the file trigger when
    ``file_event_handler`` is set; else SIGUSR2, except in run mode
    'uwsgi' (a warning says no trigger is configured). A second call
    installs nothing more.
    """
    return autorun.setup_autorun(
        _DEFAULT, conf, service_name=service_name, run_mode=run_mode,
        version=version, config=config, loop=loop)
