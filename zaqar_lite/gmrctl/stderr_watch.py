"""Watching the server's standard error, a regular file, for a report."""

import os
import time

from zaqar_lite.gmrctl.errors import GmrError
from zaqar_lite.gmrctl.stream import find_report

#: A text report on a shared stream has no end marker: it is complete once
#: every section is there and a log line follows, or the stream has been
#: quiet this long.
SETTLE_SECONDS = 0.3


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
