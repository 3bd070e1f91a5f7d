"""Collectors: each returns the plain data of one base section."""
