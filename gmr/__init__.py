"""gmr: the Guru Meditation Report, a diagnostic dump of a live process."""
