"""The one error ``zaqar-lite-gmr`` reports to the operator."""


class GmrError(Exception):
    """A failure to explain to the operator in one line."""
