"""Report times as gmr writes them, in milliseconds since the epoch."""

import datetime

_EPOCH = datetime.datetime(1970, 1, 1)


def epoch_ms(when: float) -> int:
    """Milliseconds since the epoch, rounded down (as report stamps)."""
    return int(when * 1000)


def header_ms(iso: str) -> int:
    """A report's ``Time`` (2026-01-02T03:04:05.678Z) in epoch ms."""
    moment = datetime.datetime.strptime(iso, '%Y-%m-%dT%H:%M:%S.%fZ')
    # Exact integer arithmetic: a float timestamp may land on .999.
    return (moment - _EPOCH) // datetime.timedelta(milliseconds=1)


def name_ms(stamp: str) -> int:
    """A file name's stamp (YYYYMMDDHHMMSSmmm) in epoch ms."""
    moment = datetime.datetime.strptime(stamp[:14], '%Y%m%d%H%M%S')
    return (moment - _EPOCH) // datetime.timedelta(seconds=1) * 1000 + int(
        stamp[14:])
