"""``zaqar-lite-gmr``: ask a running zaqar-lite-server for a Guru
Meditation Report, wait until it is complete and print it.

Usage::

    zaqar-lite-gmr <pid>                       # SIGUSR2, read its stderr
    zaqar-lite-gmr --config-file server.conf   # as that server is set up
    zaqar-lite-gmr <pid> --path-only --timeout 5

The server's own ``[oslo_reports]`` options (from ``--config-file``, or
the files named on the target's command line) say how to trigger and
where to read: ``file_event_handler`` is touched (SIGUSR2 is never sent
then: the server does not handle it), otherwise SIGUSR2 is sent;
``log_dir`` gets one new file per report, otherwise the report goes to
the target's standard error, which must be a regular file.
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
from typing import Optional

from oslo_config import cfg

from gmr import opts as gmr_opts

PROG = 'zaqar-lite-gmr'
SERVER_SCRIPT = 'zaqar-lite-server'
SERVER_MODULE = 'zaqar_lite.cmd.server'
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
    """How to trigger one report and where it will appear."""

    pid: Optional[int]
    log_dir: Optional[str]
    file_event_handler: Optional[str]
    stderr_path: Optional[str] = None


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

def report_options(files: list[str], dirs: list[str]):
    """The ``[oslo_reports]`` group of the given configuration."""
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
        return conf.oslo_reports
    except (cfg.Error, ValueError) as exc:
        raise GmrError('bad configuration: %s'
                       % ' '.join(str(exc).split()))


def make_plan(pid: Optional[int], config_files: list[str]) -> Plan:
    """Decide the trigger and the place to read from."""
    if pid is not None:
        cmdline = check_server(pid)
        files, dirs = ((config_files, []) if config_files
                       else server_config(pid, cmdline))
    else:
        files, dirs = config_files, []
    group = report_options(files, dirs)
    plan = Plan(pid, group.log_dir, group.file_event_handler)
    if plan.pid is None and not (plan.file_event_handler and plan.log_dir):
        plan.pid = _only_server(config_files[0])
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
    """A log_dir that exists, or a server stderr that is a file."""
    if plan.log_dir and not os.path.isdir(plan.log_dir):
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
    """New report files in ``log_dir`` (of ``pid``, if given).

    Files appear complete: the server renames them into place.
    """

    def __init__(self, log_dir: str, pid: Optional[int]) -> None:
        self.log_dir = log_dir
        self.pid = pid
        self.since = 0
        self._seen = set(self._names())

    def _names(self) -> list[str]:
        try:
            return os.listdir(self.log_dir)
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise GmrError('cannot list %s: %s'
                           % (self.log_dir, exc.strerror))

    def matches(self, name: str) -> bool:
        """Whether ``name`` is a report of our target made after since."""
        match = _FILE_NAME.match(name)
        if not match or name in self._seen:
            return False
        if self.pid is not None and int(match.group('pid')) != self.pid:
            return False
        return name_ms(match.group('stamp')) >= self.since

    def poll(self) -> Optional[tuple[str, str]]:
        """(path, text) of the oldest new report, or None."""
        for name in sorted(n for n in self._names() if self.matches(n)):
            path = os.path.join(self.log_dir, name)
            try:
                with open(path, encoding='utf-8', errors='replace') as f:
                    return path, f.read()
            except FileNotFoundError:  # removed meanwhile
                continue
        return None


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

    def __init__(self, path: str, pid: int) -> None:
        self.path = path
        self.pid = pid
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
            raise GmrError('process %d has exited' % self.pid)

    def _settled(self) -> bool:
        """Whether the file has not grown for SETTLE_SECONDS."""
        size = self._size()
        if size != self._last_size:
            self._last_size = size
            self._quiet_since = time.monotonic()
        return time.monotonic() - self._quiet_since >= SETTLE_SECONDS

    def poll(self) -> Optional[tuple[str, str]]:
        """(stderr path, report text) once a new report is whole, or None.
        """
        settled = self._settled()
        with open(self.path, 'rb') as stream:
            stream.seek(self._offset)
            text = stream.read().decode('utf-8', 'replace')
        report = find_report(text, self.pid, self.since, settled)
        return (self.name, report) if report else None


def make_watch(plan: Plan):
    """The watch that finds the report this plan asks for."""
    if plan.log_dir:
        return DirectoryWatch(plan.log_dir, plan.pid)
    return StderrWatch(plan.stderr_path, plan.pid)


def wait_for_report(watch, timeout: float,
                    pid: Optional[int]) -> tuple[str, str]:
    """Poll ``watch`` until it has a report; GmrError after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        found = watch.poll()
        if found:
            return found
        if pid is not None and not os.path.exists('/proc/%d' % pid):
            raise GmrError('process %d exited before reporting' % pid)
        if time.monotonic() >= deadline:
            raise GmrError('no report from %s within %g s' % (
                'process %d' % pid if pid else watch.log_dir, timeout))
        time.sleep(POLL_INTERVAL)


def request_report(plan: Plan, timeout: float) -> tuple[str, str]:
    """Trigger one report and return (where it went, its text)."""
    watch = make_watch(plan)
    watch.since = epoch_ms(time.time())
    trigger(plan)
    return wait_for_report(watch, timeout, plan.pid)


# The command line.

def parse_args(argv: Optional[list[str]]) -> argparse.Namespace:
    """The command's arguments."""
    parser = argparse.ArgumentParser(
        prog=PROG, description='Make a running zaqar-lite-server write a '
        'Guru Meditation Report, wait for it and print it.')
    parser.add_argument('pid', nargs='?', type=int,
                        help='the server process (default: found from '
                             '--config-file)')
    parser.add_argument('--config-file', action='append', default=[],
                        help="the server's configuration file (its "
                             '[oslo_reports] options apply)')
    parser.add_argument('--timeout', type=float, default=DEFAULT_TIMEOUT,
                        help='seconds to wait for the report (default '
                             '%(default)s)')
    parser.add_argument('--path-only', action='store_true',
                        help='print the file the report was written to, '
                             'not the report')
    args = parser.parse_args(argv)
    if args.pid is None and not args.config_file:
        parser.error('give the pid of the server or its --config-file')
    return args


def main(argv: Optional[list[str]] = None) -> int:
    """Run the command; 0 when a report was printed, 1 on any failure."""
    args = parse_args(argv)
    try:
        plan = make_plan(args.pid, args.config_file)
        path, text = request_report(plan, args.timeout)
    except GmrError as exc:
        sys.stderr.write('%s: error: %s\n' % (PROG, exc))
        return 1
    sys.stdout.write(path + '\n' if args.path_only else text)
    return 0


if __name__ == '__main__':
    sys.exit(main())
