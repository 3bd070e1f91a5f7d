"""The Reporter: section registry, request counting and the builder thread.
"""

import datetime
import os
import re
import sys
from typing import Any, Callable, Mapping, Optional

from gmr import _compat
from gmr import model
from gmr import render
from gmr import sections
from gmr import sinks
from gmr.collectors import asyncio_tasks
from gmr.collectors import configuration
from gmr.collectors import green_threads
from gmr.collectors import package
from gmr.collectors import processes
from gmr.collectors import runtime
from gmr.collectors import threads


class _ManualRequests:
    """Requests made through :meth:`Reporter.trigger` (any thread)."""

    def __init__(self) -> None:
        self.requested = 0
        self._lock = _compat.threading().Lock()

    def add(self, count: int) -> None:
        """Record ``count`` requests."""
        with self._lock:
            self.requested += count


class Reporter:
    """Builds reports on request, one at a time, off the request path.

    Triggers (signal, file, :meth:`trigger`) only count requests and wake
    the builder, a real OS thread. The builder answers everything pending
    with one report whose header says how many requests it answers;
    requests arriving during a build coalesce into one follow-up report.
    """

    def __init__(self, service_name: str = 'python',
                 run_mode: str = 'unknown') -> None:
        self.service_name = service_name
        self.run_mode = run_mode
        self.version: Optional[Mapping] = None
        self.config = None
        self.loop = None
        self.sink = sinks.StderrSink()
        self.fmt = 'text'
        self.triggers: list = []
        self._manual = _ManualRequests()
        self._answered = 0  # written only by the builder (or after_fork)
        self._base = self._base_entries()
        self._custom: list[sections.Entry] = []
        self._pid: Optional[int] = None
        self._thread = None
        self._wake_r: Optional[int] = None
        self._wake_w: Optional[int] = None
        self._stopping = False
        self._armed = False  # report in this process or its forked children
        self.set_up = False  # setup_autorun has run

    def configure(self, *, service_name: str, run_mode: str,
                  version: Optional[Mapping] = None, config: Any = None,
                  loop: Any = None, sink: Any = None,
                  fmt: str = 'text') -> None:
        """Set what the reports describe and where they go."""
        self.service_name = _safe_name(service_name)
        self.run_mode = run_mode
        self.version = version
        self.config = config
        self.loop = loop
        self.sink = sink or sinks.StderrSink()
        self.fmt = fmt

    def _base_entries(self) -> list[sections.Entry]:
        entry = sections.Entry
        return [
            entry('Package', lambda: package.collect(self.version),
                  'package'),
            entry('Threads', threads.collect, 'threads'),
            entry('Green Threads', green_threads.collect, 'green_threads',
                  green_threads.available),
            entry('Processes', processes.collect, 'processes'),
            entry('Configuration',
                  lambda: configuration.collect(self.config),
                  'configuration', lambda: self.config is not None),
            entry('Asyncio Tasks', lambda: asyncio_tasks.collect(self.loop),
                  'asyncio_tasks', lambda: self.loop is not None),
            entry('Runtime', lambda: runtime.collect(
                self.run_mode, self.requested), 'runtime'),
        ]

    def register_section(self, title: str,
                         generator: Callable[[], Any]) -> None:
        """Add a section after the base ones; ``generator`` returns data."""
        self._custom.append(sections.Entry(title, generator))

    @property
    def requested(self) -> int:
        """Requests received so far, from every trigger."""
        return self._manual.requested + sum(
            t.requested for t in self.triggers)

    @property
    def answered(self) -> int:
        """Requests answered by reports so far."""
        return self._answered

    def trigger(self, count: int = 1) -> None:
        """Request a report (from any thread); returns at once."""
        self._manual.add(count)
        self.wake()

    def build(self, answers: int = 0) -> model.Report:
        """Build a report synchronously (the builder and tests use it)."""
        header = model.Header(
            service=self.service_name, run_mode=self.run_mode,
            pid=os.getpid(), worker_id=runtime.uwsgi_worker_id(),
            timestamp=datetime.datetime.now(datetime.timezone.utc),
            answers=answers)
        entries = self._base + self._custom
        return model.Report(header, sections.collect_all(entries))

    def render(self, report: model.Report) -> str:
        """The report in the configured format."""
        return render.render(report, self.fmt)

    def emit(self, answers: int) -> Optional[str]:
        """Build, render and write one report; never raises.

        Returns the file written, if any.
        """
        try:
            report = self.build(answers)
            return self.sink.write(report, self.render(report))
        except Exception as exc:
            sinks.announce('Unable to write Guru Meditation report: %s'
                           % sections.one_line_error(exc), level='ERROR')
            return None

    # The builder thread.

    def start(self) -> None:
        """Start the builder thread (idempotent, fork-aware)."""
        self._armed = True
        if self._thread is not None and self._pid == os.getpid():
            return
        self._close_pipe()
        real_os = _compat.os()
        self._wake_r, self._wake_w = real_os.pipe()
        real_os.set_blocking(self._wake_w, False)
        self._stopping = False
        if self._pid not in (None, os.getpid()):
            # A forked child owes nothing for its parent's requests.
            self._answered = self.requested
        self._pid = os.getpid()
        self._thread = _compat.threading().Thread(
            target=self._run, args=(self._wake_r,), daemon=True,
            name='gmr-report-builder')
        self._thread.start()
        self.wake()  # answer requests made before the start, if any

    def wake(self) -> None:
        """Wake the builder: one non-blocking byte; safe in a signal handler.
        """
        fd = self._wake_w
        if fd is None:
            return
        try:
            _compat.os().write(fd, b'\0')
        except OSError:  # pipe full: the builder is awake anyway
            pass

    def _run(self, wake_r: int) -> None:
        real_os = _compat.os()
        while True:
            try:
                if not real_os.read(wake_r, 512) or self._stopping:
                    return
            except OSError:
                return
            pending = self.requested - self._answered
            if pending > 0:
                self._answered += pending
                self._emit_guarded(pending)

    def _emit_guarded(self, answers: int) -> None:
        """emit(), surviving even a section that raises SystemExit."""
        try:
            self.emit(answers)
        except BaseException as exc:
            sinks.announce('Guru Meditation report aborted: %s'
                           % sections.one_line_error(exc))

    def arm(self) -> None:
        """Report in forked children only: their after_fork starts threads.

        For a process that forks workers (the uWSGI master): no thread of
        ours exists there at fork time, so none can leave a lock held in
        a child.
        """
        self._armed = True

    def after_fork(self) -> None:
        """In a forked child: new pipe, builder and watcher threads.

        Idempotent, and a no-op unless the reporter was started or armed.
        """
        if not self._armed:
            return
        if self._thread is not None and self._pid == os.getpid():
            return
        self.start()
        for trigger in self.triggers:
            if hasattr(trigger, 'start'):
                trigger.start()

    def stop(self) -> None:
        """Stop the builder and the watcher threads; uninstall triggers."""
        for trigger in self.triggers:
            if hasattr(trigger, 'stop'):
                trigger.stop()
            if hasattr(trigger, 'uninstall'):
                trigger.uninstall()
        if self._thread is not None and self._pid == os.getpid():
            self._stopping = True
            self.wake()
            self._thread.join(5)
        self._thread = None
        self._close_pipe()

    def _close_pipe(self) -> None:
        # Forget the fds before closing them, so that a signal arriving
        # meanwhile never writes to a reused descriptor.
        fds = (self._wake_r, self._wake_w)
        self._wake_r = self._wake_w = None
        for fd in fds:
            if fd is not None:
                try:
                    _compat.os().close(fd)
                except OSError:
                    pass


def _safe_name(name: str) -> str:
    """A service name usable in a file name."""
    return re.sub(r'[^A-Za-z0-9._-]+', '_', name or '') or os.path.basename(
        sys.argv[0] or 'python')
