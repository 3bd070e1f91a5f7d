"""Inspecting the target process: what it runs, with which files."""

import os
import stat

from oslo_config import cfg
import psutil

from zaqar_lite.gmrctl.errors import GmrError

SERVER_SCRIPT = 'zaqar-lite-server'
SERVER_MODULE = 'zaqar_lite.cmd.server'
UWSGI = 'uwsgi'


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
