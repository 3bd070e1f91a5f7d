"""Every shell session in README.rst and doc/ runs, as written.

A ``.. code-block:: console`` block is a shell session: ``$ `` starts a
command, ``> `` continues it (a here-document, say), any other line is
the output the command must print (``...`` matches anything, as in
doctest). Each page runs in one bash process, in a scratch copy of the
repository with its own ``HOME`` and ``XDG_DATA_HOME``, so that one
command sees what the previous ones did (files, ``$!``).

Only ports move: the documented ports (8888, 8889, 9000, 6380) are
replaced by free ones in the commands and outputs, and the servers the
pages start take their default ports from the environment
(``OS_<GROUP>__<OPTION>`` for oslo.config, as doc/configuration.rst
documents; ``UWSGI_HTTP_SOCKET`` for uWSGI), set by small wrappers of
``zaqar-lite-server`` and ``uwsgi`` first in ``PATH`` that exec the real
programs.

A command ending in ``&`` starts a server: the test waits until it says
it serves (its standard output or error must go to a file) and stops it,
and whatever it started, at the end of the page. A read-only command
whose output does not match yet is run again until it does or
``SETTLE_TIMEOUT`` passes: reports are written asynchronously.
"""

from __future__ import annotations

import dataclasses
import doctest
import os
import pathlib
import re
import shutil
import signal
import subprocess
import sys
import time
import uuid
import psutil
import pytest

from tests.functional import servers

REPO = pathlib.Path(__file__).resolve().parents[2]
PAGES = ['README.rst'] + sorted(
    str(p.relative_to(REPO)) for p in (REPO / 'doc').rglob('*.rst'))
DOCUMENTED_PORTS = (8888, 8889, 9000, 6380)
COMMAND_TIMEOUT = 60.0
SETTLE_TIMEOUT = 10.0
START_TIMEOUT = 20.0
STOP_TIMEOUT = 15.0
#: Commands that only read: run again while their output does not match.
READ_ONLY = {'ls', 'cat', 'grep', 'head', 'tail', 'sed', 'wc'}
#: What a server started with ``&`` logs once it serves.
READY = {
    'zaqar-lite-server': re.compile(r'Serving the v2 '),
    'redis-server': re.compile(r'Ready to accept connections'),
    # A program of the docs' own (doc/admin/gmr.rst: adding a section).
    'python': re.compile(r'\bserving\b'),
}
_UWSGI_SPAWNED = re.compile(r'spawned uWSGI worker (\d+) \(pid: (\d+)')
_UWSGI_SERVING = re.compile(r'Worker (\d+) \(pid (\d+)\) serving')
_BLOCK = re.compile(r'^( *)\.\. code-block:: console\n((?:\1 +:.*\n)*)\n'
                    r'((?:\1 +.*\n|\n)+)', re.MULTILINE)
_IGNORED_COPY = shutil.ignore_patterns(
    '.git', '.tox', 'var', '__pycache__', '*.egg-info', '.pytest_cache')


@dataclasses.dataclass
class Command:
    """One ``$`` command of a page, with the output it must print."""

    text: str
    want: str
    line: int


def console_blocks(text: str) -> list[tuple[int, str]]:
    """(line number, dedented body) of every console block in rST text."""
    blocks = []
    for match in _BLOCK.finditer(text):
        lines = match.group(3).rstrip('\n').split('\n')
        indent = min(len(x) - len(x.lstrip()) for x in lines if x.strip())
        first = text.count('\n', 0, match.start(3)) + 1
        blocks.append((first, '\n'.join(x[indent:] for x in lines)))
    return blocks


def commands(text: str) -> list[Command]:
    """The commands of every console block of a page, in order."""
    found = []
    for first, body in console_blocks(text):
        current = None
        for offset, line in enumerate(body.split('\n')):
            if line.startswith('$ '):
                current = Command(line[2:], '', first + offset)
                found.append(current)
            elif line.startswith('> ') or line == '>':
                current.text += '\n' + line[2:]
            else:
                assert current, 'output before any command: %r' % line
                current.want += line + '\n'
    return found


def move_ports(text: str, ports: dict[int, int]) -> str:
    """The documented ports replaced by the test's free ones."""
    for documented, free in ports.items():
        text = re.sub(r'\b%d\b' % documented, str(free), text)
    return text


def matches(want: str, got: str) -> bool:
    """Whether ``got`` is ``want``, where ``...`` stands for anything.

    Trailing spaces do not count (the report has some; pages have none).
    """
    def lines(text: str) -> str:
        return '\n'.join(x.rstrip() for x in text.strip('\n').split('\n'))
    return doctest.OutputChecker().check_output(
        lines(want) + '\n', lines(got) + '\n', doctest.ELLIPSIS)


class Shell:
    """One bash process fed command by command, with the servers that the
    commands started in the background."""

    def __init__(self, cwd: pathlib.Path, env: dict) -> None:
        self.process = subprocess.Popen(
            ['bash', '--noprofile', '--norc'], cwd=cwd, env=env,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True, bufsize=1)
        self.background: list[psutil.Process] = []
        self._last_bg = 0

    def run(self, text: str) -> tuple[int, str]:
        """Run ``text``; (exit status, output). Background pids are kept.
        """
        token = uuid.uuid4().hex
        self.process.stdin.write(
            "%s\nprintf '\\n%s %%d %%d\\n' $? \"${!:-0}\"\n" % (text, token))
        self.process.stdin.flush()
        output = []
        deadline = time.monotonic() + COMMAND_TIMEOUT
        for line in self.process.stdout:
            if line.startswith(token):
                status, last_bg = map(int, line.split()[1:])
                if last_bg != self._last_bg:
                    self._last_bg = last_bg
                    self.background.append(psutil.Process(last_bg))
                return status, ''.join(output).rstrip('\n')
            output.append(line)
            assert time.monotonic() < deadline, 'command timed out'
        raise AssertionError('bash exited: %s' % ''.join(output))

    def close(self) -> None:
        """Stop every server started, and its children; then bash."""
        for process in reversed(self.background):
            stop(process)
        self.process.stdin.close()
        self.process.wait(STOP_TIMEOUT)


def stop(process: psutil.Process) -> None:
    """SIGTERM a process, SIGKILL it and its children if they linger."""
    try:
        children = process.children(recursive=True)
        process.send_signal(signal.SIGTERM)
    except psutil.NoSuchProcess:
        return
    _gone, alive = psutil.wait_procs([process] + children, STOP_TIMEOUT)
    for left in alive:
        left.kill()
    psutil.wait_procs(alive, STOP_TIMEOUT)


def logs(process: psutil.Process) -> str:
    """What a background process wrote to its stdout and stderr files."""
    texts = []
    for fd in sorted({1, 2}):
        link = '/proc/%d/fd/%d' % (process.pid, fd)
        try:
            if os.path.isfile(link):
                with open(link, errors='replace') as stream:
                    texts.append(stream.read())
        except OSError:
            pass
    return ''.join(texts)


def serving(process: psutil.Process, program: str) -> bool:
    """Whether a server started in the background says it serves."""
    if not process.is_running() or process.status() == psutil.STATUS_ZOMBIE:
        raise AssertionError('%s exited' % program)
    text = logs(process)
    if program == 'uwsgi':
        spawned = set(_UWSGI_SPAWNED.findall(text))
        return bool(spawned) and spawned <= set(_UWSGI_SERVING.findall(text))
    return bool(READY[program].search(text))


def program_of(text: str) -> str:
    """The program a command line runs (after ``env`` and assignments)."""
    words = [w for w in text.split()
             if w not in ('env', '\\') and '=' not in w]
    return os.path.basename(words[0]) if words else ''


def run_command(shell: Shell, command: Command,
                ports: dict[int, int]) -> None:
    """Run one documented command and check its status and output."""
    text, want = move_ports(command.text, ports), move_ports(
        command.want, ports)
    program = program_of(text)
    where = 'line %d: $ %s' % (command.line, command.text)
    deadline = time.monotonic() + SETTLE_TIMEOUT
    while True:
        status, got = shell.run(text)
        if status == 0 and matches(want, got):
            break
        if program not in READ_ONLY or time.monotonic() > deadline:
            pytest.fail('%s\nexit status %d, output:\n%s\nexpected:\n%s'
                        % (where, status, got, want))
        time.sleep(0.1)
    if text.rstrip().endswith('&'):
        assert program in READY or program == 'uwsgi', where
        servers.wait_for(lambda: serving(shell.background[-1], program),
                         START_TIMEOUT, where)


SHIM = """#!%(python)s
import os
import sys
for name, value in %(env)r.items():
    os.environ.setdefault(name, value)
os.execv(%(real)r, [%(real)r] + sys.argv[1:])
"""


def port_shims(bin_dir: pathlib.Path, ports: dict[int, int]) -> None:
    """``zaqar-lite-server`` and ``uwsgi`` that default to the test's
    ports through the environment, then exec the real program (same pid).

    Only the servers the pages start get these defaults: processes that
    other commands start (a benchmark's own server) keep their own.
    """
    defaults = {
        'zaqar-lite-server': {
            'OS_DRIVERS:TRANSPORT:WSGI__PORT': str(ports[8888]),
            'OS_DRIVERS:TRANSPORT:WEBSOCKET__PORT': str(ports[9000])},
        'uwsgi': {'UWSGI_HTTP_SOCKET': '127.0.0.1:%d' % ports[8888]},
    }
    bin_dir.mkdir()
    search = os.pathsep.join([os.path.dirname(sys.executable),
                              os.environ.get('PATH', '')])
    for name, env in defaults.items():
        real = shutil.which(name, path=search)
        assert real, '%s is not installed' % name
        shim = bin_dir / name
        shim.write_text(SHIM % {'python': sys.executable, 'env': env,
                                'real': real})
        shim.chmod(0o755)


def scratch_env(root: pathlib.Path) -> dict:
    """The environment of a page's shell: a home of its own, the port
    shims and the interpreter's scripts first in PATH."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(('OS_', 'UWSGI_', 'ZAQAR_LITE_'))}
    path = [str(root / 'bin'), os.path.dirname(sys.executable),
            env.get('PATH', '')]
    env.update({
        'HOME': str(root / 'home'), 'XDG_DATA_HOME': str(root / 'xdg'),
        'PATH': os.pathsep.join(path), 'PYTHONPATH': str(root / 'repo'),
    })
    return env


@pytest.mark.parametrize('page', PAGES)
def test_every_command_runs_as_documented(page, tmp_path):
    cmds = commands((REPO / page).read_text())
    if not cmds:
        pytest.skip('%s has no console session' % page)
    ports = {port: servers.free_port() for port in DOCUMENTED_PORTS}
    (tmp_path / 'home').mkdir()
    shutil.copytree(REPO, tmp_path / 'repo', ignore=_IGNORED_COPY)
    port_shims(tmp_path / 'bin', ports)
    shell = Shell(tmp_path / 'repo', scratch_env(tmp_path))
    try:
        for command in cmds:
            run_command(shell, command, ports)
    finally:
        shell.close()


def test_front_door_commands_are_the_ones_ci_runs():
    readme = (REPO / 'README.rst').read_text()
    ci = (REPO / '.ci' / 'run').read_text()
    assert '\n    pip install . && zaqar-lite-server\n' in readme
    assert '\n    pip install tox && tox\n' in readme
    assert '\npip install tox && tox\n' in ci


def test_pages_are_valid_restructuredtext():
    core = pytest.importorskip('docutils.core')
    for page in PAGES:
        messages = []
        core.publish_doctree(
            (REPO / page).read_text(), source_path=str(REPO / page),
            settings_overrides={
                'report_level': 2, 'halt_level': 5,
                'syntax_highlight': 'none',
                'warning_stream': _Collect(messages)})
        assert not messages, '%s:\n%s' % (page, ''.join(messages))


def test_links_between_pages_resolve():
    for page in PAGES:
        text = (REPO / page).read_text()
        for target in re.findall(r'<([\w./-]+\.rst)>`_', text):
            path = (REPO / page).parent / target
            assert path.is_file(), '%s links to missing %s' % (page, target)


class _Collect:
    """A file-like warning stream that keeps what docutils reports."""

    def __init__(self, messages: list) -> None:
        self.messages = messages

    def write(self, text: str) -> None:
        self.messages.append(text)

    def flush(self) -> None:
        pass
