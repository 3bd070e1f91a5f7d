"""The Plan: how to trigger a report and where it will appear."""

import dataclasses
import os
from typing import Optional

from zaqar_lite.gmrctl import processes
from zaqar_lite.gmrctl.errors import GmrError
from zaqar_lite.gmrctl.options import report_options


@dataclasses.dataclass
class Plan:
    """How to trigger a report and where it will appear.

    ``reporters`` are the pids that must each write a new report (empty:
    any process; every report coming within ``quiet`` seconds of the
    previous one is taken).
    """

    pid: Optional[int]
    log_dir: Optional[str]
    file_event_handler: Optional[str]
    stderr_path: Optional[str] = None
    reporters: list = dataclasses.field(default_factory=list)
    quiet: float = 1.5


def make_plan(pid: Optional[int], config_files: list[str]) -> Plan:
    """Decide the trigger and the place to read from."""
    if pid is not None and processes.is_uwsgi(processes.read_cmdline(pid)):
        return _uwsgi_plan(pid, config_files)
    if pid is not None:
        cmdline = processes.check_server(pid)
        files, dirs = ((config_files, []) if config_files
                       else processes.server_config(pid, cmdline))
    else:
        files, dirs = config_files, []
    plan = _plan_from(report_options(files, dirs), pid)
    if plan.pid is None and not (plan.file_event_handler and plan.log_dir):
        plan.pid = _only_server(config_files[0])
    plan.reporters = [plan.pid] if plan.pid is not None else []
    _resolve_paths(plan)
    _check_destination(plan)
    return plan


def _plan_from(group, pid: Optional[int]) -> Plan:
    """A plan with the ``[oslo_reports]`` options of ``group``."""
    return Plan(pid, group.log_dir, group.file_event_handler,
                quiet=group.file_event_handler_interval + 0.5)


def _uwsgi_plan(pid: int, config_files: list[str]) -> Plan:
    """Touch the trigger file; one report from each worker of ``pid``."""
    if not config_files:
        raise GmrError('process %d is uWSGI: give the --config-file of '
                       'the zaqar-lite application it runs' % pid)
    plan = _plan_from(report_options(config_files, []), pid)
    if not plan.file_event_handler:
        raise GmrError('under uWSGI a report is triggered by [oslo_reports] '
                       'file_event_handler, which %s does not set'
                       % ', '.join(config_files))
    plan.reporters = processes.uwsgi_workers(pid)
    _resolve_paths(plan)
    _check_destination(plan)
    return plan


def _resolve_paths(plan: Plan) -> None:
    """Relative paths of the options are relative to the server's cwd."""
    cwd = (processes.process_cwd(plan.pid) if plan.pid is not None
           else os.getcwd())
    if plan.log_dir:
        plan.log_dir = os.path.join(cwd, plan.log_dir)
    if plan.file_event_handler:
        plan.file_event_handler = os.path.join(cwd, plan.file_event_handler)


def _check_destination(plan: Plan) -> None:
    """A log_dir that is (or will be, the server makes it) a directory,
    or a server stderr that is a file."""
    if plan.log_dir and os.path.lexists(plan.log_dir) and not (
            os.path.isdir(plan.log_dir)):
        raise GmrError('the server writes reports to %s, which is not a '
                       'directory' % plan.log_dir)
    if not plan.log_dir:
        plan.stderr_path = processes.stderr_file(plan.pid)


def _only_server(config_file: str) -> int:
    """The one server process run with ``config_file``."""
    pids = processes.find_server_pids(config_file)
    if not pids:
        raise GmrError('no %s is running with %s'
                       % (processes.SERVER_SCRIPT, config_file))
    if len(pids) > 1:
        raise GmrError('several %s processes run with %s (pids %s): give '
                       'one pid' % (processes.SERVER_SCRIPT, config_file,
                                    ', '.join(map(str, pids))))
    return pids[0]
