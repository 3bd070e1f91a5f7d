"""Child process of gmr_bench.py: a loaded process that answers SIGUSR2.

Run by the benchmark, not by hand::

    python benchmarks/gmr_bench_child.py IMPL SCENARIO LOG_DIR

``IMPL`` is ``ours`` (gmr/) or ``oslo`` (oslo.reports); ``SCENARIO`` is
``threads`` (50 OS threads, no eventlet) or ``green`` (eventlet monkey
patched, 200 green threads). Everything else is the same for both
implementations: the same configuration options, version strings, parked
threads and ticker.

The main thread (under eventlet: the main green thread, which the hub
runs) is a ticker: it sleeps 1 ms in a loop and records how late each
wake-up is, with the time it woke (``time.monotonic()``, one clock for
every process of the machine). A report built on the main thread, or a
builder thread holding the GIL, shows up as lateness. On SIGTERM the
ticker stops and the child prints one JSON line on stdout; the parent
matches the late ticks against the times it sent its signals.
"""

import sys

IMPLS = ('ours', 'oslo')
SCENARIOS = ('threads', 'green')
THREADS = {'threads': 50, 'green': 200}
#: The ticker's sleep; wake-ups later than TICK + LATE_S are recorded.
TICK_S = 0.001
LATE_S = 0.0002
#: Registered last by both implementations: the parent knows that a file
#: holding it is a complete report.
END_MARKER = 'GMR-BENCH-END-OF-REPORT'

if __name__ == '__main__' and sys.argv[2:3] == ['green']:
    # Before anything imports threading, as a wsgi server does.
    import eventlet
    eventlet.monkey_patch()

import json  # noqa: E402
import os  # noqa: E402
import signal  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402

from oslo_config import cfg  # noqa: E402

from zaqar_lite import conf as zl_conf  # noqa: E402
from zaqar_lite import version as zl_version  # noqa: E402


class OsloVersion:
    """The version object oslo.reports expects (Nova's method names)."""

    def vendor_string(self) -> str:
        """The vendor."""
        return zl_version.VENDOR

    def product_string(self) -> str:
        """The product."""
        return zl_version.PRODUCT

    def version_string_with_package(self) -> str:
        """Version and package, as Nova's version module gives them."""
        return '%s-%s' % (zl_version.version_string(),
                          zl_version.package_string())


def _end_section() -> str:
    """The last section of every report: the end marker."""
    return END_MARKER


def setup_ours(conf: cfg.ConfigOpts, scenario: str, log_dir: str) -> None:
    """gmr/ as zaqar-lite-server sets it up."""
    import gmr
    from gmr import opts as gmr_opts
    gmr_opts.register_opts(conf)
    conf.set_override('log_dir', log_dir, group='oslo_reports')
    gmr.setup_autorun(
        conf, service_name='gmr-bench',
        run_mode='wsgi' if scenario == 'green' else 'websocket',
        version={'product': zl_version.PRODUCT,
                 'vendor': zl_version.VENDOR,
                 'version': zl_version.version_string(),
                 'package': zl_version.package_string()},
        config=conf)
    gmr.register_section('Benchmark', _end_section)


def setup_oslo(conf: cfg.ConfigOpts, scenario: str, log_dir: str) -> None:
    """oslo.reports as an OpenStack service's main() sets it up."""
    from oslo_reports import guru_meditation_report as oslo_gmr
    from oslo_reports import opts as oslo_opts
    oslo_opts.set_defaults(conf)
    conf.set_override('log_dir', log_dir, group='oslo_reports')
    oslo_gmr.TextGuruMeditation.register_section('Benchmark', _end_section)
    oslo_gmr.TextGuruMeditation.setup_autorun(
        OsloVersion(), service_name='gmr-bench', conf=conf)


def _nested(depth: int, park) -> None:
    """Park a few calls deep, like a request handler inside a server."""
    if depth:
        _nested(depth - 1, park)
    else:
        park()


def _park_event(event: threading.Event) -> None:
    event.wait()


def _park_sleep(stop: threading.Event) -> None:
    while not stop.is_set():
        time.sleep(0.1)


def park_threads(count: int, stop: threading.Event) -> None:
    """``count`` threads (green ones under eventlet), half on an Event,
    half sleeping in a loop, each a few calls deep."""
    for index in range(count):
        target = _park_event if index % 2 else _park_sleep
        thread = threading.Thread(
            target=_nested, args=(4 + index % 3, lambda t=target: t(stop)),
            name='parked-%d' % index, daemon=True)
        thread.start()


def tick(stopping: list) -> dict:
    """Sleep TICK_S in a loop until SIGTERM (or the benchmark is gone);
    record the late wake-ups."""
    late = []
    count = 0
    worst = 0.0
    parent = os.getppid()
    while not stopping:
        if count % 256 == 0 and os.getppid() != parent:
            break  # orphaned: never outlive the benchmark
        before = time.monotonic()
        time.sleep(TICK_S)
        after = time.monotonic()
        lateness = after - before - TICK_S
        count += 1
        if lateness > LATE_S:
            late.append((round(after, 6), round(lateness, 6)))
            worst = max(worst, lateness)
    return {'ticks': count, 'late': late, 'worst': worst}


def main(argv: list) -> int:
    """Set up one implementation, park threads, tick, print the ticks."""
    impl, scenario, log_dir = argv
    conf = cfg.CONF
    zl_conf.register_opts(conf)
    conf([], project='gmr-bench', default_config_files=[])
    setup = setup_oslo if impl == 'oslo' else setup_ours
    setup(conf, scenario, log_dir)
    stop = threading.Event()
    park_threads(THREADS[scenario], stop)
    stopping: list = []
    signal.signal(signal.SIGTERM, lambda signum, frame: stopping.append(1))
    print('READY', flush=True)
    result = tick(stopping)
    stop.set()
    result.update(impl=impl, scenario=scenario,
                  threads=threading.active_count())
    print(json.dumps(result), flush=True)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
