"""Rows read by column name: a cursor with ``sqlite3.Row``, leaving the connection as it is.

Reading ``r[0] … r[9]`` breaks silently when a query's columns move; ``row["status"]`` does
not. The case's connection keeps plain tuples (other code relies on them), so each query that
wants names gets a cursor of its own with the row factory set.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from typing import Any


def named_cursor(conn: sqlite3.Connection, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
    """``sql`` run on a fresh cursor whose rows are ``sqlite3.Row`` (by name and by index)."""
    cursor = conn.cursor()
    cursor.row_factory = sqlite3.Row
    return cursor.execute(sql, params)


def named_rows(conn: sqlite3.Connection, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
    """Every row of ``sql`` as ``sqlite3.Row``."""
    return named_cursor(conn, sql, params).fetchall()


def named_row(conn: sqlite3.Connection, sql: str, params: Sequence[Any] = ()) -> sqlite3.Row | None:
    """The first row of ``sql`` as ``sqlite3.Row``, or None."""
    found: sqlite3.Row | None = named_cursor(conn, sql, params).fetchone()
    return found


def iter_named(
    conn: sqlite3.Connection, sql: str, params: Sequence[Any] = ()
) -> Iterator[sqlite3.Row]:
    """The rows of ``sql`` one at a time (for large tables), as ``sqlite3.Row``."""
    yield from named_cursor(conn, sql, params)
