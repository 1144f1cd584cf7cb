"""Writers: a report as CSV, JSON, a terminal table or the words of one row.

They sit around the engine: they read a :class:`~incentives.Report` (its decided frame
where it has one) and write text; nothing here decides anything.
"""
