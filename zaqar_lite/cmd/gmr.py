"""``zaqar-lite-gmr``: ask a running zaqar-lite-server for a Guru
Meditation Report, wait until it is complete and print it.

Usage::

    zaqar-lite-gmr <pid>                       # SIGUSR2, read its stderr
    zaqar-lite-gmr --config-file server.conf   # as that server is set up
    zaqar-lite-gmr <pid> --path-only --timeout 5
    zaqar-lite-gmr <uwsgi master pid> --config-file zaqar-lite-uwsgi.conf

The server's own ``[oslo_reports]`` options (from ``--config-file``, or
the files named on the target's command line) say how to trigger and
where to read: ``file_event_handler`` is touched (SIGUSR2 is never sent
then: the server does not handle it), otherwise SIGUSR2 is sent;
``log_dir`` gets one new file per report, otherwise the report goes to
the target's standard error, which must be a regular file.

Under uWSGI every worker reports: given the master's pid and the
application's ``--config-file`` (uWSGI names it in an environment
variable set at run time, which cannot be read from outside), the
command touches the trigger file and waits for one new report from each
worker. Without a pid it takes every new report that comes within
``file_event_handler_interval`` + 0.5 s of the previous one.
"""

import argparse
import dataclasses
import datetime
import json
import os
import re
import signal
import stat
import sys
import time
import types
from typing import Optional

from oslo_config import cfg
import psutil

from gmr import opts as gmr_opts

PROG = 'zaqar-lite-gmr'
SERVER_SCRIPT = 'zaqar-lite-server'
SERVER_MODULE = 'zaqar_lite.cmd.server'
UWSGI = 'uwsgi'
DEFAULT_TIMEOUT = 10.0
POLL_INTERVAL = 0.05
#: A text report on a shared stream has no end marker: it is complete once
#: every section is there and a log line follows, or the stream has been
#: quiet this long.
SETTLE_SECONDS = 0.3
#: Sections every zaqar-lite-server report has (any run mode).
REQUIRED_SECTIONS = ('Package', 'Threads', 'Processes', 'Configuration',
                     'Runtime', 'Queues', 'Transport')

_RULE = '=' * 72
TEXT_START = '%s\n====%s====\n%s\n' % (
    _RULE, 'Guru Meditation'.center(64), _RULE)
#: A JSON report opens with its schema, however it is indented.
JSON_START = re.compile(r'\{\s*"schema"\s*:\s*"gmr/')
_STARTS = re.compile('^(?:%s|%s)' % (re.escape(TEXT_START),
                                     JSON_START.pattern), re.MULTILINE)
_FILE_NAME = re.compile(r'^(?P<service>.+)_gurumeditation_'
                        r'(?P<stamp>\d{17})_(?P<pid>\d+)(_w\d+)?$')
_EPOCH = datetime.datetime(1970, 1, 1)
_LOG_LINE = re.compile(r'^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} \d+ ',
                       re.MULTILINE)


class GmrError(Exception):
    """A failure to explain to the operator in one line."""


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


# The target process.

def read_cmdline(pid: int) -> list[str]:
    """The command line of process ``pid``; GmrError if there is none."""
    try:
        with open('/proc/%d/cmdline' % pid, 'rb') as stream:
            raw = stream.read()
    except (FileNotFoundError, ProcessLookupError):
        raise GmrError('no process with pid %d' % pid)
    except PermissionError:
        raise GmrError('not allowed to inspect process %d' % pid)
    if not raw:  # a zombie or a kernel thread
        raise GmrError('process %d is not running' % pid)
    return [arg.decode('utf-8', 'replace') for arg in raw.split(b'\0')[:-1]]


def is_server(cmdline: list[str]) -> bool:
    """Whether a command line runs zaqar-lite-server: the script itself,
    the script by an interpreter, or ``python -m zaqar_lite.cmd.server``.
    """
    names = [os.path.basename(arg) for arg in cmdline[:3]]
    if names[:1] == [SERVER_SCRIPT]:
        return True
    if not names or not names[0].startswith('python'):
        return False
    return names[1:2] == [SERVER_SCRIPT] or cmdline[1:3] == [
        '-m', SERVER_MODULE]


def is_uwsgi(cmdline: list[str]) -> bool:
    """Whether a command line is a uWSGI master or worker."""
    return bool(cmdline) and os.path.basename(cmdline[0]) == UWSGI


def uwsgi_workers(pid: int) -> list[int]:
    """The worker pids of uWSGI master ``pid`` ([pid] for a worker)."""
    try:
        children = psutil.Process(pid).children()
    except psutil.Error:
        return [pid]
    workers = []
    for child in children:
        try:
            if is_uwsgi(child.cmdline()):
                workers.append(child.pid)
        except psutil.Error:  # gone meanwhile
            continue
    return sorted(workers) or [pid]


def check_server(pid: int) -> list[str]:
    """The command line of ``pid``; GmrError unless it is a server."""
    cmdline = read_cmdline(pid)
    if not is_server(cmdline):
        raise GmrError('process %d is not a %s (%s)'
                       % (pid, SERVER_SCRIPT, ' '.join(cmdline)[:80]))
    return cmdline


def _option_values(cmdline: list[str], name: str) -> list[str]:
    """Values of ``--name X`` and ``--name=X`` in a command line."""
    values = []
    for i, arg in enumerate(cmdline):
        if arg == name and i + 1 < len(cmdline):
            values.append(cmdline[i + 1])
        elif arg.startswith(name + '='):
            values.append(arg[len(name) + 1:])
    return values


def process_cwd(pid: int) -> str:
    """The working directory of ``pid`` (its /proc link if unreadable)."""
    try:
        return os.readlink('/proc/%d/cwd' % pid)
    except OSError:
        return '/proc/%d/cwd' % pid


def server_config(pid: int, cmdline: list[str]) -> tuple[list, list]:
    """(config files, config dirs) a server was started with.

    Relative paths are resolved against the server's working directory;
    without ``--config-file`` oslo.config's default search applies.
    """
    cwd = process_cwd(pid)
    files = [os.path.join(cwd, f)
             for f in _option_values(cmdline, '--config-file')]
    dirs = [os.path.join(cwd, d)
            for d in _option_values(cmdline, '--config-dir')]
    if not files and not dirs:  # the server searched the usual places
        files = cfg.find_config_files('zaqar-lite', SERVER_SCRIPT)
        dirs = cfg.find_config_dirs('zaqar-lite', SERVER_SCRIPT)
    return files, dirs


def find_server_pids(config_file: str) -> list[int]:
    """Pids of the zaqar-lite-server processes run with ``config_file``."""
    wanted = os.path.realpath(config_file)
    found = []
    for entry in os.listdir('/proc'):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            cmdline = read_cmdline(int(entry))
        except GmrError:
            continue
        if not is_server(cmdline):
            continue
        files, _ = server_config(int(entry), cmdline)
        if wanted in (os.path.realpath(f) for f in files):
            found.append(int(entry))
    return sorted(found)


def stderr_file(pid: int) -> str:
    """The regular file that is the standard error of ``pid``."""
    link = '/proc/%d/fd/2' % pid
    try:
        st = os.stat(link)
        target = os.readlink(link)
    except FileNotFoundError:
        raise GmrError('process %d has no standard error to read the '
                       'report from; set [oslo_reports] log_dir' % pid)
    except PermissionError:
        raise GmrError('not allowed to read the standard error of process '
                       '%d' % pid)
    if not stat.S_ISREG(st.st_mode):
        raise GmrError('process %d reports to its standard error (%s), '
                       'which is not a file; redirect it to a file or set '
                       '[oslo_reports] log_dir' % (pid, target))
    return link


# The configuration.

def report_options(files: list[str], dirs: list[str]
                   ) -> types.SimpleNamespace:
    """The ``[oslo_reports]`` options the command needs, from the given
    configuration."""
    for path in files + dirs:
        if not os.access(path, os.R_OK):
            raise GmrError('cannot read configuration %s' % path)
    conf = cfg.ConfigOpts()
    gmr_opts.register_opts(conf)
    args = ['--config-file=%s' % f for f in files]
    args += ['--config-dir=%s' % d for d in dirs]
    try:
        conf(args=args, project='zaqar-lite', default_config_files=[],
             default_config_dirs=[])
        group = conf.oslo_reports  # values are checked when read: now
        return types.SimpleNamespace(
            log_dir=group.log_dir,
            file_event_handler=group.file_event_handler,
            file_event_handler_interval=group.file_event_handler_interval)
    except (cfg.Error, ValueError) as exc:
        raise GmrError('bad configuration: %s'
                       % ' '.join(str(exc).split()))


def make_plan(pid: Optional[int], config_files: list[str]) -> Plan:
    """Decide the trigger and the place to read from."""
    if pid is not None and is_uwsgi(read_cmdline(pid)):
        return _uwsgi_plan(pid, config_files)
    if pid is not None:
        cmdline = check_server(pid)
        files, dirs = ((config_files, []) if config_files
                       else server_config(pid, cmdline))
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
    plan.reporters = uwsgi_workers(pid)
    _resolve_paths(plan)
    _check_destination(plan)
    return plan


def _resolve_paths(plan: Plan) -> None:
    """Relative paths of the options are relative to the server's cwd."""
    cwd = process_cwd(plan.pid) if plan.pid is not None else os.getcwd()
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
        plan.stderr_path = stderr_file(plan.pid)


def _only_server(config_file: str) -> int:
    """The one server process run with ``config_file``."""
    pids = find_server_pids(config_file)
    if not pids:
        raise GmrError('no %s is running with %s'
                       % (SERVER_SCRIPT, config_file))
    if len(pids) > 1:
        raise GmrError('several %s processes run with %s (pids %s): give '
                       'one pid' % (SERVER_SCRIPT, config_file,
                                    ', '.join(map(str, pids))))
    return pids[0]


# Triggering.

def touch(path: str) -> None:
    """Change the trigger file: create it (mode 0600) or update its mtime.
    """
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
        os.close(fd)
        os.utime(path)
    except OSError as exc:
        raise GmrError('cannot touch the trigger file %s: %s'
                       % (path, exc.strerror))


def send_signal(pid: int) -> None:
    """SIGUSR2 to ``pid``."""
    try:
        os.kill(pid, signal.SIGUSR2)
    except ProcessLookupError:
        raise GmrError('no process with pid %d' % pid)
    except PermissionError:
        raise GmrError('not allowed to signal process %d' % pid)


def trigger(plan: Plan) -> None:
    """Request the report the way the server listens for it."""
    if plan.file_event_handler:
        touch(plan.file_event_handler)
    else:
        send_signal(plan.pid)


# Finding the new report.

def epoch_ms(when: float) -> int:
    """Milliseconds since the epoch, rounded down (as report stamps)."""
    return int(when * 1000)


def header_ms(iso: str) -> int:
    """A report's ``Time`` (2026-01-02T03:04:05.678Z) in epoch ms."""
    moment = datetime.datetime.strptime(iso, '%Y-%m-%dT%H:%M:%S.%fZ')
    # Exact integer arithmetic: a float timestamp may land on .999.
    return (moment - _EPOCH) // datetime.timedelta(milliseconds=1)


def name_ms(stamp: str) -> int:
    """A file name's stamp (YYYYMMDDHHMMSSmmm) in epoch ms."""
    moment = datetime.datetime.strptime(stamp[:14], '%Y%m%d%H%M%S')
    return (moment - _EPOCH) // datetime.timedelta(seconds=1) * 1000 + int(
        stamp[14:])


class DirectoryWatch:
    """New report files in ``log_dir``: one from each of ``reporters``, or
    (none given) all that come until ``quiet`` seconds pass without one.

    Files appear complete: the server renames them into place.
    """

    def __init__(self, log_dir: str, reporters: list,
                 quiet: float = 1.5) -> None:
        self.log_dir = log_dir
        self.reporters = list(reporters)
        self.quiet = quiet
        self.since = 0
        self._seen = set(self._names())
        self._last = (0, time.monotonic())  # (count, when it changed)

    def _names(self) -> list[str]:
        try:
            return os.listdir(self.log_dir)
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise GmrError('cannot list %s: %s'
                           % (self.log_dir, exc.strerror))

    def _new(self) -> dict[str, int]:
        """{name: pid} of the new reports made after ``since``."""
        new = {}
        for name in self._names():
            match = _FILE_NAME.match(name)
            if (match and name not in self._seen
                    and name_ms(match.group('stamp')) >= self.since):
                new[name] = int(match.group('pid'))
        return new

    def _chosen(self, new: dict[str, int]) -> list[str]:
        """The names to print, or [] while some are still to come."""
        if self.reporters:
            first = {}
            for name in sorted(new):
                first.setdefault(new[name], name)
            wanted = [first.get(pid) for pid in self.reporters]
            return [] if None in wanted else wanted
        if len(new) != self._last[0]:
            self._last = (len(new), time.monotonic())
        quiet = time.monotonic() - self._last[1] >= self.quiet
        return sorted(new) if new and quiet else []

    def poll(self) -> list[tuple[str, str]]:
        """[(path, text)] of the reports once all are there, else []."""
        found = []
        for name in self._chosen(self._new()):
            path = os.path.join(self.log_dir, name)
            try:
                with open(path, encoding='utf-8', errors='replace') as f:
                    found.append((path, f.read()))
            except FileNotFoundError:  # removed meanwhile: count it gone
                self._seen.add(name)
                return []
        return found


def _ours(chunk: str, pid: int, since: int) -> bool:
    """Whether a text report's header names ``pid`` and a time >= since."""
    found = re.search(r'^PID: (\d+)$', chunk, re.MULTILINE)
    when = re.search(r'^Time: (\S+)$', chunk, re.MULTILINE)
    return bool(found and when and int(found.group(1)) == pid
                and header_ms(when.group(1)) >= since)


def _text_report(chunk: str, pid: int, since: int,
                 ended: bool) -> Optional[str]:
    """The text report at the start of ``chunk`` if it is ours and whole.

    It is whole once every section is there and something follows it
    (a log line; ``ended`` when the stream is quiet or a report follows):
    the server writes a report with one write to its stderr stream.
    """
    if not _ours(chunk, pid, since):
        return None
    titles = set(re.findall(r'^====(.{64})====$', chunk, re.MULTILINE))
    if not all(t.center(64) in titles for t in REQUIRED_SECTIONS):
        return None
    last = chunk.rfind('====\n' + _RULE + '\n')
    tail = _LOG_LINE.search(chunk, last)
    if tail:
        return chunk[:tail.start()]
    return chunk if ended else None


def _json_report(chunk: str, pid: int, since: int) -> Optional[str]:
    """The JSON report at the start of ``chunk`` if it is ours and whole.
    """
    try:
        data, end = json.JSONDecoder().raw_decode(chunk)
        header = data['header']
        if header['pid'] != pid or header_ms(header['timestamp']) < since:
            return None
    except (ValueError, KeyError, TypeError):
        return None
    return chunk[:end] + '\n'


def report_starts(text: str) -> list[int]:
    """Offsets where a report (text or JSON) starts in ``text``."""
    return [m.start() for m in _STARTS.finditer(text)]


def find_report(text: str, pid: int, since: int,
                settled: bool) -> Optional[str]:
    """The first report of ``pid`` made at or after ``since`` (epoch ms).

    A text report with nothing after it counts only once the stream has
    ``settled``.
    """
    starts = report_starts(text)
    for start, end in zip(starts, starts[1:] + [len(text)]):
        chunk = text[start:end]
        if JSON_START.match(chunk):
            report = _json_report(chunk, pid, since)
        else:
            report = _text_report(chunk, pid, since,
                                  settled or end < len(text))
        if report:
            return report
    return None


class StderrWatch:
    """New bytes of the target's standard error, when it is a file."""

    def __init__(self, path: str, reporters: list) -> None:
        self.path = path
        self.reporters = list(reporters)
        #: What the operator knows the file as (not /proc/<pid>/fd/2).
        self.name = os.readlink(path) if os.path.islink(path) else path
        self.since = 0
        self._offset = self._size()
        self._last_size = self._offset
        self._quiet_since = time.monotonic()

    def _size(self) -> int:
        try:
            return os.stat(self.path).st_size
        except OSError:
            raise GmrError('process %d has exited' % self.reporters[0])

    def _settled(self) -> bool:
        """Whether the file has not grown for SETTLE_SECONDS."""
        size = self._size()
        if size != self._last_size:
            self._last_size = size
            self._quiet_since = time.monotonic()
        return time.monotonic() - self._quiet_since >= SETTLE_SECONDS

    def poll(self) -> list[tuple[str, str]]:
        """[(stderr path, report text)], one per reporter, once each new
        report is whole; else []."""
        settled = self._settled()
        with open(self.path, 'rb') as stream:
            stream.seek(self._offset)
            text = stream.read().decode('utf-8', 'replace')
        reports = [find_report(text, pid, self.since, settled)
                   for pid in self.reporters]
        if not all(reports):
            return []
        return [(self.name, report) for report in reports]


def make_watch(plan: Plan):
    """The watch that finds the report this plan asks for."""
    if plan.log_dir:
        return DirectoryWatch(plan.log_dir, plan.reporters, plan.quiet)
    return StderrWatch(plan.stderr_path, plan.reporters)


def wait_for_report(watch, timeout: float,
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


def _who(reporters: list, watch) -> str:
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


# The command line.

def parse_args(argv: Optional[list[str]]) -> argparse.Namespace:
    """The command's arguments."""
    parser = argparse.ArgumentParser(
        prog=PROG, description='Make a running zaqar-lite-server write a '
        'Guru Meditation Report, wait for it and print it.')
    parser.add_argument('pid', nargs='?', type=int,
                        help='the server process, or the uWSGI master '
                             '(default: found from --config-file)')
    parser.add_argument('--config-file', action='append', default=[],
                        help="the server's configuration file (its "
                             '[oslo_reports] options apply)')
    parser.add_argument('--timeout', type=float, default=DEFAULT_TIMEOUT,
                        help='seconds to wait for the report (default '
                             '%(default)s)')
    parser.add_argument('--path-only', action='store_true',
                        help='print the file the report was written to '
                             '(one line per report), not the report')
    args = parser.parse_args(argv)
    if args.pid is None and not args.config_file:
        parser.error('give the pid of the server or its --config-file')
    return args


def main(argv: Optional[list[str]] = None) -> int:
    """Run the command; 0 when a report was printed, 1 on any failure."""
    args = parse_args(argv)
    try:
        plan = make_plan(args.pid, args.config_file)
        found = request_report(plan, args.timeout)
    except GmrError as exc:
        sys.stderr.write('%s: error: %s\n' % (PROG, exc))
        return 1
    if args.path_only:
        paths = dict.fromkeys(path for path, _ in found)  # stderr: once
        sys.stdout.write(''.join(p + '\n' for p in paths))
    else:
        sys.stdout.write(''.join(text for _, text in found))
    return 0


if __name__ == '__main__':
    sys.exit(main())
