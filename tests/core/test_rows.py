"""Rows by column name (#17): the query helper names columns and leaves the connection alone."""

from __future__ import annotations

import sqlite3

from app.core.rows import iter_named, named_row, named_rows


def test_rows_are_read_by_name_and_the_connection_keeps_tuples() -> None:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (id INTEGER, status TEXT, at_utc TEXT, actor TEXT)")
    conn.executemany(
        "INSERT INTO t VALUES (?, ?, ?, ?)", [(1, "ok", "2026", "ada"), (2, "x", "", "")]
    )
    (first, second) = named_rows(conn, "SELECT actor, id, status, at_utc FROM t ORDER BY id")
    assert (first["id"], first["status"], first["actor"]) == (1, "ok", "ada")
    assert dict(second) == {"actor": "", "id": 2, "status": "x", "at_utc": ""}
    one = named_row(conn, "SELECT status FROM t WHERE id = ?", (2,))
    assert one is not None and one["status"] == "x"
    assert named_row(conn, "SELECT status FROM t WHERE id = ?", (9,)) is None
    assert [r["id"] for r in iter_named(conn, "SELECT id FROM t ORDER BY id DESC")] == [2, 1]
    assert conn.execute("SELECT id, status FROM t WHERE id = 1").fetchone() == (1, "ok")
