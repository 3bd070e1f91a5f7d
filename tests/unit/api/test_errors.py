"""Storage errors become API errors in one place, never escaping."""

import pytest

from zaqar_lite.api import errors
from zaqar_lite.storage import errors as storage_errors


@pytest.mark.parametrize('exc,status,title', [
    (storage_errors.ServiceUnavailable('down'), 503,
     'Service temporarily unavailable'),
    (storage_errors.QueueDoesNotExist('q', 'p'), 404, 'Not found'),
    (storage_errors.MessageDoesNotExist('m', 'q', 'p'), 404, 'Not found'),
    (storage_errors.ClaimDoesNotExist('c', 'q', 'p'), 404, 'Not found'),
    (storage_errors.MessageIsClaimed('m'), 403, 'Unable to delete'),
    (storage_errors.MessageNotClaimedBy('m', 'c'), 400, 'Unable to delete'),
    (storage_errors.StorageError('odd'), 500, 'Internal server error'),
])
def test_storage_errors_map_to_api_errors(exc, status, title):
    error = errors.from_storage(exc)
    assert (error.status, error.title) == (status, title)
    assert error.to_dict() == {'title': title,
                               'description': error.description}
    assert error.description


def test_unavailable_description_asks_to_retry():
    error = errors.from_storage(storage_errors.ServiceUnavailable('x'))
    assert error.description.endswith(' Please try again in a few seconds.')


def test_translating_maps_storage_errors_of_public_methods():
    @errors.translating
    class Operations:
        def get(self):
            raise storage_errors.MessageDoesNotExist('m', 'q', 'p')

        def _private(self):
            raise storage_errors.MessageDoesNotExist('m', 'q', 'p')

    with pytest.raises(errors.NotFound) as caught:
        Operations().get()
    assert isinstance(caught.value.__cause__,
                      storage_errors.MessageDoesNotExist)
    with pytest.raises(storage_errors.MessageDoesNotExist):
        Operations()._private()
