"""Redis storage driver: queues, messages and claims shared by servers."""

from zaqar_lite.storage.redis.driver import DataDriver

__all__ = ['DataDriver']
