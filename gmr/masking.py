"""Masking of secrets in values shown by a report (and anywhere else).

Three rules, applied by ``mask_value``: an option declared secret is masked
whole; a key that looks like a password, token or key is masked whole; a
URL's user-info password is masked in place (``redis://:***@host``).
"""

import re
import urllib.parse

MASK = '***'

#: Key names whose values are secrets even when not declared ``secret``.
_SECRET_KEY = re.compile(
    r'(pass(word|wd|phrase)?|secret|token|api_?key|private_?key|'
    r'credential|auth_?key|access_?key)', re.IGNORECASE)

_URL_PASSWORD = re.compile(r'^(?P<head>[a-zA-Z][a-zA-Z0-9+.-]*://[^:/@?#]*:)'
                           r'(?P<password>[^@/?#]*)(?P<tail>@.*)$')


def is_secret_key(key: str) -> bool:
    """Whether a key's name says its value is a secret."""
    return bool(_SECRET_KEY.search(key))


def mask_url(value: str) -> str:
    """Mask the password of a URL's user-info; other strings unchanged.

    >>> mask_url('redis://:pw@localhost:6379/0')
    'redis://:***@localhost:6379/0'
    """
    match = _URL_PASSWORD.match(value)
    if not match or not match.group('password'):
        return _mask_query_secrets(value)
    return _mask_query_secrets(
        match.group('head') + MASK + match.group('tail'))


def _mask_query_secrets(value: str) -> str:
    """Mask ``?password=...`` style parameters of a URL."""
    if '://' not in value or '?' not in value:
        return value
    base, _, query = value.partition('?')
    pairs = urllib.parse.parse_qsl(query, keep_blank_values=True)
    if not any(is_secret_key(k) for k, _ in pairs):
        return value
    masked = [(k, MASK if is_secret_key(k) else v) for k, v in pairs]
    return base + '?' + urllib.parse.urlencode(masked, safe='*/:')


def mask_value(key: str, value, secret: bool = False):
    """The value of ``key`` as a report may show it."""
    if value is None:
        return None
    if secret or is_secret_key(key):
        return MASK
    if isinstance(value, str):
        return mask_url(value)
    if isinstance(value, (list, tuple)):
        return [mask_value(key, item) for item in value]
    if isinstance(value, dict):
        return {k: mask_value(k, v) for k, v in value.items()}
    return value
