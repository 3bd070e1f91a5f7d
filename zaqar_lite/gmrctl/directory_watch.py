"""Watching ``[oslo_reports] log_dir`` for new report files."""

import os
import re
import time

from zaqar_lite.gmrctl.errors import GmrError
from zaqar_lite.gmrctl.stamps import name_ms

#: ``<service>_gurumeditation_<YYYYMMDDHHMMSSmmm>_<pid>[_w<worker>]``, the
#: name gmr's DirectorySink gives each report.
FILE_NAME = re.compile(r'^(?P<service>.+)_gurumeditation_'
                       r'(?P<stamp>\d{17})_(?P<pid>\d+)(_w\d+)?$')


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
            match = FILE_NAME.match(name)
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
