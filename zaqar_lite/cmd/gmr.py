"""``zaqar-lite-gmr``: ask a running zaqar-lite-server for a Guru
Meditation Report, wait until it is complete and print it.

Usage::

    zaqar-lite-gmr <pid>                       # SIGUSR2, read its stderr
    zaqar-lite-gmr --config-file server.conf   # as that server is set up
    zaqar-lite-gmr <pid> --path-only --timeout 5
    zaqar-lite-gmr <uwsgi master pid> --config-file zaqar-lite-uwsgi.conf

The server's own ``[oslo_reports]`` options (from ``--config-file``, or
the files named on the target's command line) say how to trigger and
where to read: ``file_event_handler`` is touched (SIGUSR2 is never sent
then: the server does not handle it), otherwise SIGUSR2 is sent;
``log_dir`` gets one new file per report, otherwise the report goes to
the target's standard error, which must be a regular file.

Under uWSGI every worker reports: given the master's pid and the
application's ``--config-file`` (uWSGI names it in an environment
variable set at run time, which cannot be read from outside), the
command touches the trigger file and waits for one new report from each
worker. Without a pid it takes every new report that comes within
``file_event_handler_interval`` + 0.5 s of the previous one.
"""

import argparse
import sys
from typing import Optional

from zaqar_lite.gmrctl.errors import GmrError
from zaqar_lite.gmrctl.plan import make_plan
from zaqar_lite.gmrctl.request import request_report

PROG = 'zaqar-lite-gmr'
DEFAULT_TIMEOUT = 10.0


def parse_args(argv: Optional[list[str]]) -> argparse.Namespace:
    """The command's arguments."""
    parser = argparse.ArgumentParser(
        prog=PROG, description='Make a running zaqar-lite-server write a '
        'Guru Meditation Report, wait for it and print it.')
    parser.add_argument('pid', nargs='?', type=int,
                        help='the server process, or the uWSGI master '
                             '(default: found from --config-file)')
    parser.add_argument('--config-file', action='append', default=[],
                        help="the server's configuration file (its "
                             '[oslo_reports] options apply)')
    parser.add_argument('--timeout', type=float, default=DEFAULT_TIMEOUT,
                        help='seconds to wait for the report (default '
                             '%(default)s)')
    parser.add_argument('--path-only', action='store_true',
                        help='print the file the report was written to '
                             '(one line per report), not the report')
    args = parser.parse_args(argv)
    if args.pid is None and not args.config_file:
        parser.error('give the pid of the server or its --config-file')
    return args


def main(argv: Optional[list[str]] = None) -> int:
    """Run the command; 0 when a report was printed, 1 on any failure."""
    args = parse_args(argv)
    try:
        plan = make_plan(args.pid, args.config_file)
        found = request_report(plan, args.timeout)
    except GmrError as exc:
        sys.stderr.write('%s: error: %s\n' % (PROG, exc))
        return 1
    if args.path_only:
        paths = dict.fromkeys(path for path, _ in found)  # stderr: once
        sys.stdout.write(''.join(p + '\n' for p in paths))
    else:
        sys.stdout.write(''.join(text for _, text in found))
    return 0


if __name__ == '__main__':
    sys.exit(main())
