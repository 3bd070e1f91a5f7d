"""Triggers: they decide when a report is wanted, never build one.

A trigger owns a ``requested`` counter that only it writes, and wakes the
reporter's builder thread; the builder compares the sum of all counters
with how many requests it has answered.
"""
