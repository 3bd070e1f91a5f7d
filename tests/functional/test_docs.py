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

import configparser
import dataclasses
import doctest
import os
import pathlib
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid

import psutil
import pytest

from tests.functional import servers
from zaqar_lite import bootstrap

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
_BLOCK = r'^( *)\.\. code-block:: %s\n((?:\1 +:.*\n)*)\n((?:\1 +.*\n|\n)+)'
#: The quick start and the test command: CI runs the latter as it is.
QUICK_START = 'pip install . && zaqar-lite-server'
TEST_COMMAND = 'pip install tox && tox'
_IGNORED_COPY = shutil.ignore_patterns(
    '.git', '.tox', 'var', '__pycache__', '*.egg-info', '.pytest_cache')


@dataclasses.dataclass
class Command:
    """One ``$`` command of a page, with the output it must print."""

    text: str
    want: str
    line: int


def code_blocks(text: str, language: str) -> list[tuple[int, str]]:
    """(line number, dedented body) of every ``code-block`` of a language
    in rST text."""
    blocks = []
    for match in re.finditer(_BLOCK % language, text, re.MULTILINE):
        lines = match.group(3).rstrip('\n').split('\n')
        indent = min(len(x) - len(x.lstrip()) for x in lines if x.strip())
        first = text.count('\n', 0, match.start(3)) + 1
        blocks.append((first, '\n'.join(x[indent:] for x in lines)))
    return blocks


def commands(text: str) -> list[Command]:
    """The commands of every console block of a page, in order."""
    found = []
    for first, body in code_blocks(text, 'console'):
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
    commands started in the background.

    :param ports: ``{documented port: free port}`` for its commands.
    """

    def __init__(self, cwd: pathlib.Path, env: dict,
                 ports: dict[int, int]) -> None:
        self.ports = ports
        self.process = subprocess.Popen(
            ['bash', '--noprofile', '--norc'], cwd=cwd, env=env,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True, bufsize=1)
        self.background: list[psutil.Process] = []
        self._last_bg = 0
        # Lines come through a thread, so that a hung command times out.
        self._lines: queue.Queue = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self._lines.put(line)
        self._lines.put(None)

    def run(self, text: str) -> tuple[int, str]:
        """Run ``text``; (exit status, output). Background pids are kept.
        """
        token = uuid.uuid4().hex
        # In a group (same shell: variables and $! persist) reading
        # /dev/null: a command that reads its input cannot eat the next.
        self.process.stdin.write(
            "{ %s\n} </dev/null\nprintf '\\n%s %%d %%d\\n' $? \"${!:-0}\"\n"
            % (text, token))
        self.process.stdin.flush()
        output = []
        deadline = time.monotonic() + COMMAND_TIMEOUT
        while True:
            try:
                line = self._lines.get(timeout=deadline - time.monotonic())
            except (queue.Empty, ValueError):
                raise AssertionError('no end within %g s: %s'
                                     % (COMMAND_TIMEOUT, ''.join(output)))
            if line is None:
                raise AssertionError('bash exited: %s' % ''.join(output))
            if line.startswith(token):
                return self._finish(line, output)
            output.append(line)

    def _finish(self, end: str, output: list[str]) -> tuple[int, str]:
        """Status and output of a command from its end line."""
        status, last_bg = map(int, end.split()[1:])
        if last_bg != self._last_bg:
            self._last_bg = last_bg
            self.background.append(psutil.Process(last_bg))
        return status, ''.join(output).rstrip('\n')

    def close(self) -> None:
        """Stop every server started, and its children; then bash."""
        for process in reversed(self.background):
            stop(process)
        self.process.stdin.close()
        try:
            self.process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:  # a command that never ended
            self.process.kill()
            self.process.wait()


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
    for fd in (1, 2):
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


def read_only(text: str) -> bool:
    """Whether a command only reads (so running it again is harmless)."""
    first = text.split('\n')[0]
    return (program_of(text) in READ_ONLY and '>' not in first
            and ' -i' not in first)


def run_command(shell: Shell, command: Command) -> None:
    """Run one documented command and check its status and output."""
    text = move_ports(command.text, shell.ports)
    want = move_ports(command.want, shell.ports)
    where = 'line %d: $ %s' % (command.line, command.text)
    deadline = time.monotonic() + SETTLE_TIMEOUT
    while True:
        status, got = shell.run(text)
        if status == 0 and matches(want, got):
            break
        if not read_only(text) or time.monotonic() > deadline:
            pytest.fail('%s\nexit status %d, output:\n%s\nexpected:\n%s'
                        % (where, status, got, want))
        time.sleep(0.1)
    if text.rstrip().endswith('&'):
        program = program_of(text)
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
           if not k.startswith(('OS_', 'UWSGI_', 'ZAQAR_LITE_'))
           and k not in ('COLUMNS', 'LINES')}  # --help: 80 columns
    path = [str(root / 'bin'), os.path.dirname(sys.executable),
            env.get('PATH', '')]
    env.update({
        'HOME': str(root / 'home'), 'XDG_DATA_HOME': str(root / 'xdg'),
        'PATH': os.pathsep.join(path), 'PYTHONPATH': str(root / 'repo'),
    })
    return env


@pytest.fixture
def shell(tmp_path):
    """A bash in a scratch copy of the repository, with free ports for
    the documented ones; its servers are stopped afterwards."""
    ports = {port: servers.free_port() for port in DOCUMENTED_PORTS}
    (tmp_path / 'home').mkdir()
    shutil.copytree(REPO, tmp_path / 'repo', ignore=_IGNORED_COPY)
    port_shims(tmp_path / 'bin', ports)
    running = Shell(tmp_path / 'repo', scratch_env(tmp_path), ports)
    try:
        yield running
    finally:
        running.close()


@pytest.mark.parametrize('page', PAGES)
def test_every_command_runs_as_documented(page, shell):
    cmds = commands((REPO / page).read_text())
    if not cmds:
        pytest.skip('%s has no console session' % page)
    for command in cmds:
        run_command(shell, command)


def test_quick_start_serves_the_client_example(shell):
    """The quick start's server (``pip install .`` is what tox does)
    answers the README's python-zaqarclient example as it says."""
    readme = (REPO / 'README.rst').read_text()
    server = QUICK_START.split(' && ')[1]
    (_line, example), = code_blocks(readme, 'python')
    script = "python - <<'EOF'\n%s\nEOF" % example
    for command in [Command(server + ' 2>err.log &', '', 0),
                    Command(script, "{'task': 'resize', 'image': 42}\n", 0)]:
        run_command(shell, command)


def test_a_session_checks_status_and_output(shell):
    """The runner itself: output, ``...``, status and shell state count;
    a command reading its input gets nothing (not the next commands)."""
    session = """
.. code-block:: console

    $ X=8888 && echo "port $X"
    port 8888
    $ printf 'a\\nb\\nc\\n'
    a
    ...
    $ cat
    $ echo "$X"
    8888
"""
    for command in commands(session):
        run_command(shell, command)
    for text, want in [('echo hello', 'bye\n'), ('false', ''),
                       ('echo unexpected', '')]:
        with pytest.raises(pytest.fail.Exception):
            run_command(shell, Command(text, want, 0))


def test_front_door_commands_are_the_ones_ci_runs():
    readme = (REPO / 'README.rst').read_text()
    ci = (REPO / '.ci' / 'run').read_text()
    assert '\n    %s\n' % QUICK_START in readme
    assert '\n    %s\n' % TEST_COMMAND in readme
    assert '\n%s\n' % TEST_COMMAND in ci


def test_configuration_examples_are_valid(tmp_path):
    """Every ``ini`` block is a configuration zaqar-lite accepts: known
    groups and options, each value valid for its option."""
    blocks = [(page, line, body) for page in PAGES
              for line, body in code_blocks((REPO / page).read_text(), 'ini')]
    assert blocks, 'no configuration example found'
    for page, line, body in blocks:
        path = tmp_path / 'example.conf'
        path.write_text(body + '\n')
        conf = bootstrap.make_config(['--config-file', str(path)])
        parser = configparser.ConfigParser(interpolation=None)
        parser.read_string(body)
        for group in parser.sections():
            for option in parser[group]:
                try:
                    conf[group][option]  # values are checked when read
                except Exception as exc:
                    pytest.fail('%s:%d: [%s] %s: %s'
                                % (page, line, group, option, exc))


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
