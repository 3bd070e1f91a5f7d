"""Shared helpers of the gmr unit tests (waiting, subprocess scripts)."""

import os
import subprocess
import sys
import textwrap
import time

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..',
                                    '..'))


def wait_for(predicate, timeout: float = 5.0, interval: float = 0.005):
    """Poll ``predicate`` until it returns a true value or time runs out."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)


def start_script(code: str, directory=None, args=(),
                 **kwargs) -> subprocess.Popen:
    """Run ``code`` in a fresh interpreter that can import gmr.

    With ``directory`` the code is run from a file there, so that stacks
    show its source lines.
    """
    env = dict(os.environ, PYTHONPATH=REPO, PYTHONDONTWRITEBYTECODE='1')
    code = textwrap.dedent(code)
    argv = [sys.executable, '-c', code]
    if directory is not None:
        path = os.path.join(str(directory), 'gmr_script.py')
        with open(path, 'w') as stream:
            stream.write(code)
        argv = [sys.executable, path]
    return subprocess.Popen(
        argv + list(args), env=env,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, **kwargs)


def run_script(code: str, directory=None,
               timeout: float = 20) -> subprocess.CompletedProcess:
    """Run ``code`` to completion; returns its output."""
    proc = start_script(code, directory)
    out, err = proc.communicate(timeout=timeout)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def split_reports(text: str) -> list[str]:
    """Text reports concatenated in one stream, one string each."""
    marker = '=' * 72 + '\n====' + 'Guru Meditation'.center(64) + '====\n'
    return [marker + part for part in text.split(marker)[1:]]
