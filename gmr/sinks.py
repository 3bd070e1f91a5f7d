"""Sinks: where a finished report goes (standard error or one file each)."""

import datetime
import os
import secrets
import sys
import time
from typing import Optional

from gmr import _compat
from gmr import model


def announce(message: str, level: str = 'INFO') -> None:
    """One log line on the real standard error.

    Written straight to fd 2 rather than through ``logging``: the builder
    is a real OS thread and, under eventlet, logging's locks are green.
    """
    # The layout of the service's own log lines (local time, as logging).
    now = time.time()
    stamp = '%s,%03d' % (time.strftime('%Y-%m-%d %H:%M:%S',
                                       time.localtime(now)),
                         int(now * 1000) % 1000)
    line = '%s %d %s gmr %s\n' % (stamp, os.getpid(), level, message)
    try:
        _compat.os().write(2, line.encode('utf-8', 'replace'))
    except OSError:
        pass


class StderrSink:
    """Write each report to the process's standard error."""

    def write(self, report: model.Report, text: str) -> Optional[str]:
        """Write ``text``; returns None (no file)."""
        stream = sys.stderr or sys.__stderr__
        stream.write(text)
        stream.flush()
        return None


class DirectorySink:
    """One file per report in ``log_dir``, written atomically, mode 0600.

    Named ``<service>_gurumeditation_<UTC YYYYMMDDHHMMSSmmm>_<pid>`` plus
    ``_w<worker id>`` under uWSGI. Reports of one process never share a
    name: the millisecond stamp is kept strictly increasing.
    """

    def __init__(self, log_dir: str) -> None:
        self.log_dir = log_dir
        self._last_ms = 0

    def filename(self, header: model.Header) -> str:
        """The file name for the report with ``header``."""
        ms = int(header.timestamp.timestamp() * 1000)
        ms = max(ms, self._last_ms + 1)
        self._last_ms = ms
        stamp = datetime.datetime.fromtimestamp(ms / 1000,
                                                datetime.timezone.utc)
        name = '%s_gurumeditation_%s%03d_%d' % (
            header.service, stamp.strftime('%Y%m%d%H%M%S'), ms % 1000,
            header.pid)
        if header.worker_id is not None:
            name += '_w%d' % header.worker_id
        return name

    def write(self, report: model.Report, text: str) -> str:
        """Write ``text`` to a temporary file, then rename it into place.

        Only the unpatched ``os`` is used: under eventlet, the green one
        would start a hub of its own in the builder thread.
        """
        real_os = _compat.os()
        path = real_os.path.join(self.log_dir, self.filename(report.header))
        # Created on demand (mode 0700), so that a missing or deleted
        # directory costs no report.
        real_os.makedirs(self.log_dir, mode=0o700, exist_ok=True)
        tmp = real_os.path.join(self.log_dir,
                                '.gmr-tmp-' + secrets.token_hex(8))
        fd = real_os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            try:
                _write_all(real_os, fd, text.encode('utf-8'))
            finally:
                real_os.close(fd)
            real_os.rename(tmp, path)
        except BaseException:
            _unlink_quietly(tmp)
            raise
        announce('Guru Meditation report written to %s' % path)
        return path


def _write_all(real_os, fd: int, data: bytes) -> None:
    """Write every byte of ``data`` (os.write may write fewer)."""
    view = memoryview(data)
    while view:
        view = view[real_os.write(fd, view):]


def _unlink_quietly(path: str) -> None:
    """Remove ``path`` if it is there."""
    try:
        _compat.os().unlink(path)
    except OSError:
        pass


def from_log_dir(log_dir: Optional[str]):
    """The sink for ``[oslo_reports] log_dir``: a directory or stderr."""
    if log_dir:
        return DirectorySink(log_dir)
    return StderrSink()
