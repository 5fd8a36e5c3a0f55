"""Lawtrail intake: the write side (comment API, spool, moderation). Arrives with its own issue."""
