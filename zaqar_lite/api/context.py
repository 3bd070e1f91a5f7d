"""Who is asking: the project and client of a request, validated."""

import dataclasses
import uuid

from zaqar_lite.api import errors

MAX_PROJECT_ID_LENGTH = 256


@dataclasses.dataclass(frozen=True)
class RequestContext:
    """The caller of one operation: everything is scoped to ``project``."""

    project: str
    client_id: str


def make_context(client_id: str | None,
                 project: str | None) -> RequestContext:
    """Validate the Client-ID and X-Project-ID headers, as Zaqar does.

    :raises errors.BadRequest: a header is missing or malformed.
    """
    # Client-ID is checked first, as Zaqar does. One canonical form, so
    # that echo filtering does not depend on how the uuid was written.
    canonical = _client_uuid(client_id).hex
    return RequestContext(project=_project(project), client_id=canonical)


def _client_uuid(client_id: str | None) -> uuid.UUID:
    if client_id is None:
        raise errors.BadRequest('The Client-Id header is required.',
                                title='Missing header value')
    try:
        return uuid.UUID(str(client_id))
    except (ValueError, AttributeError, TypeError):
        raise errors.BadRequest('Malformed hexadecimal UUID.',
                                title='Wrong UUID value')


def _project(project: str | None) -> str:
    if project is None:
        raise errors.BadRequest('The header X-PROJECT-ID was missing',
                                title='Project-Id Missing')
    if project == '':
        raise errors.BadRequest(
            'X-PROJECT-ID cannot be an empty string. Specify the right '
            'header X-PROJECT-ID and retry.',
            title='Empty project header not allowed')
    if (not isinstance(project, str)
            or len(project) > MAX_PROJECT_ID_LENGTH
            or not project.isprintable()):
        # Non-printable characters are refused so that the service's own
        # internal projects (see service.py) can never be addressed.
        raise errors.BadRequest(
            'X-PROJECT-ID must be at most %d printable characters.'
            % MAX_PROJECT_ID_LENGTH, title='Invalid queue identification')
    return project
