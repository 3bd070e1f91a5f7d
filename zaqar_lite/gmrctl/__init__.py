"""The operator's side of Guru Meditation Reports (``zaqar-lite-gmr``)."""
