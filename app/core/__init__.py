"""The GUI-free evidence core: cases, objects, custody log, digests, provenance, jobs.

Nothing in this package imports Qt; the CLI, the GUI and the tests drive the same functions.
"""
