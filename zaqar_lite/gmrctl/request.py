"""Requesting a report: trigger it, then wait until it is whole."""

import os
import time
from typing import Union

from zaqar_lite.gmrctl.directory_watch import DirectoryWatch
from zaqar_lite.gmrctl.errors import GmrError
from zaqar_lite.gmrctl.plan import Plan
from zaqar_lite.gmrctl.stamps import epoch_ms
from zaqar_lite.gmrctl.stderr_watch import StderrWatch
from zaqar_lite.gmrctl.trigger import trigger

POLL_INTERVAL = 0.05

Watch = Union[DirectoryWatch, StderrWatch]


def make_watch(plan: Plan) -> Watch:
    """The watch that finds the report this plan asks for."""
    if plan.log_dir:
        return DirectoryWatch(plan.log_dir, plan.reporters, plan.quiet)
    return StderrWatch(plan.stderr_path, plan.reporters)


def wait_for_report(watch: Watch, timeout: float,
                    reporters: list) -> list[tuple[str, str]]:
    """Poll ``watch`` until it has the reports; GmrError after ``timeout``
    or when a reporter exits."""
    deadline = time.monotonic() + timeout
    while True:
        found = watch.poll()
        if found:
            return found
        for pid in reporters:
            if not os.path.exists('/proc/%d' % pid):
                raise GmrError('process %d exited before reporting' % pid)
        if time.monotonic() >= deadline:
            raise GmrError('no report from %s within %g s'
                           % (_who(reporters, watch), timeout))
        time.sleep(POLL_INTERVAL)


def _who(reporters: list, watch: Watch) -> str:
    """The processes (or the directory) a report was expected from."""
    if not reporters:
        return 'any process in %s' % watch.log_dir
    if len(reporters) == 1:
        return 'process %d' % reporters[0]
    return 'processes %s' % ', '.join(map(str, reporters))


def request_report(plan: Plan, timeout: float) -> list[tuple[str, str]]:
    """Trigger a report; returns [(where it went, its text)], one per
    reporting process."""
    watch = make_watch(plan)
    watch.since = epoch_ms(time.time())
    trigger(plan)
    return wait_for_report(watch, timeout, plan.reporters)
