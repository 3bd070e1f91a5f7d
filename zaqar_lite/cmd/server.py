"""``zaqar-lite-server``: serve the v2 API over HTTP or a websocket."""

import sys

from zaqar_lite import bootstrap


def main(argv: list[str] | None = None) -> int:
    """Parse the configuration and run the chosen transport until stopped."""
    conf = bootstrap.make_config(argv)
    bootstrap.setup_logging(conf)
    transport = conf.transport_override or conf.drivers.transport
    if transport == 'wsgi':
        from zaqar_lite.transport.wsgi import server
    else:
        from zaqar_lite.transport.websocket import server
    return server.run(conf)


if __name__ == '__main__':
    sys.exit(main())
