"""Shared names and shortcuts of the storage contract tests."""

from zaqar_lite.storage import base

PROJECT = 'project-a'
OTHER_PROJECT = 'project-b'
QUEUE = 'queue-1'
#: The client that posts; READER lists (so echo does not hide messages).
WRITER = 'client-writer'
READER = 'client-reader'


def post(driver: base.DataDriverBase, count: int, queue: str = QUEUE,
         project: str = PROJECT, ttl: int = 3600, delay: int = 0,
         client_id: str = WRITER, first: int = 0) -> list[str]:
    """Post ``count`` messages whose bodies are ``{'n': first + i}``."""
    messages = [{'body': {'n': first + i}, 'ttl': ttl, 'delay': delay}
                for i in range(count)]
    return driver.messages.post(project, queue, messages, client_id)


def listed(driver: base.DataDriverBase, queue: str = QUEUE,
           project: str = PROJECT, **kwargs) -> list[str]:
    """Ids of every message listed with ``kwargs``, following markers."""
    ids: list[str] = []
    marker = None
    client_id = kwargs.pop('client_id', READER)
    limit = kwargs.pop('limit', 20)
    while True:
        page, marker = driver.messages.list(
            project, queue, client_id, marker=marker, limit=limit, **kwargs)
        if not page:
            return ids
        ids.extend(message['id'] for message in page)
