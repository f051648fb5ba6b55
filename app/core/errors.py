"""Errors the core raises, each carrying one clear sentence for the user."""

from __future__ import annotations


class ProofshotError(Exception):
    """Base class: ``str(error)`` is a complete sentence fit to show a user."""

    exit_code = 1


class CaseNotFoundError(ProofshotError):
    exit_code = 3


class CaseExistsError(ProofshotError):
    exit_code = 3


class CaseLockedError(ProofshotError):
    exit_code = 4


class CaseReadOnlyError(ProofshotError):
    exit_code = 5


class CaseTooNewError(ProofshotError):
    exit_code = 6


class CaseCorruptError(ProofshotError):
    exit_code = 7


class ItemNotFoundError(ProofshotError):
    exit_code = 3


class StorageFullError(ProofshotError):
    exit_code = 8


class Cancelled(ProofshotError):
    """Raised inside a job when the user asked it to stop."""

    exit_code = 130
