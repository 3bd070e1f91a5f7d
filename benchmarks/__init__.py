"""Load generators that measure the zaqar-lite run modes."""
