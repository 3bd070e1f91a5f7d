"""SQLite storage driver: one file, shared safely by several processes."""

from zaqar_lite.storage.sqlite.driver import DataDriver

__all__ = ['DataDriver']
