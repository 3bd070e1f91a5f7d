"""API errors, and the one place where storage errors become API errors."""

import functools

from zaqar_lite.storage import errors as storage_errors


class APIError(Exception):
    """An error answered to the client: a status, a title, a description."""

    status = 500
    title = 'Internal server error'

    def __init__(self, description: str, title: str | None = None,
                 status: int | None = None):
        super().__init__(description)
        self.description = description
        if title is not None:
            self.title = title
        if status is not None:
            self.status = status

    def to_dict(self) -> dict:
        """The error body: ``{'title', 'description'}``."""
        return {'title': self.title, 'description': self.description}


class BadRequest(APIError):
    """Input that fails validation."""
    status = 400
    title = 'Invalid API request'


class InvalidBody(BadRequest):
    """A body that is not the JSON it must be."""
    title = 'Invalid request body'


class Forbidden(APIError):
    """Deleting a claimed message without its claim."""
    status = 403
    title = 'Unable to delete'


class NotFound(APIError):
    """A resource that does not exist (or has expired)."""
    status = 404
    title = 'Not found'


class Conflict(APIError):
    """A change that contradicts the current state."""
    status = 409
    title = 'Resource conflict'


class ServiceUnavailable(APIError):
    """Storage cannot be reached; retrying may work."""
    status = 503
    title = 'Service temporarily unavailable'


def from_storage(exc: storage_errors.StorageError) -> APIError:
    """Map a storage error to the API error a client sees."""
    if isinstance(exc, storage_errors.ServiceUnavailable):
        return ServiceUnavailable(
            'The storage backend is not available. '
            'Please try again in a few seconds.')
    if isinstance(exc, storage_errors.DoesNotExist):
        return NotFound(str(exc) + '.')
    if isinstance(exc, storage_errors.MessageIsClaimed):
        return Forbidden('This message is claimed; it cannot be deleted '
                         'without a valid claim ID.')
    if isinstance(exc, storage_errors.MessageNotClaimedBy):
        return BadRequest('The specified claim does not exist or has '
                          'expired.', title='Unable to delete')
    return APIError('Unexpected storage error: %s' % exc)


def translating(cls):
    """Class decorator: public methods raise only ``APIError``.

    Every storage error raised by an operation is mapped by
    ``from_storage``, so neither transport ever sees a storage error.
    """
    for name, method in list(vars(cls).items()):
        if callable(method) and not name.startswith('_'):
            setattr(cls, name, _translate(method))
    return cls


def _translate(method):
    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        try:
            return method(*args, **kwargs)
        except storage_errors.StorageError as exc:
            raise from_storage(exc) from exc
    return wrapper
