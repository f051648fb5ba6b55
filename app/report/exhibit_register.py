"""Stable exhibit numbers (issue #16).

The case keeps an insert-only register (table ``exhibit_register``) of the number each exhibit
got the first time it was exported. Later exports keep those numbers and give new exhibits the
numbers after the highest; ``export --renumber`` starts a new epoch and numbers afresh. Every
assignment is a row recorded by a custody event (``exhibits.numbered``), so the log says when
an exhibit got its number.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from app.core.case import Case
from app.core.rows import named_row

if TYPE_CHECKING:
    from app.report.model import ExportOptions

ACTION = "exhibits.numbered"


def _has_table(case: Case) -> bool:
    row = case.conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'exhibit_register'"
    ).fetchone()
    return row is not None


def current_epoch(case: Case) -> int:
    if not _has_table(case):
        return 0
    row = named_row(case.conn, "SELECT COALESCE(MAX(epoch), 0) AS epoch FROM exhibit_register")
    assert row is not None  # an aggregate always yields one row
    return int(row["epoch"])


def registered(case: Case, epoch: int | None = None) -> dict[str, int]:
    """Exhibit identity -> number in ``epoch`` (default: the current one)."""
    if not _has_table(case):
        return {}
    epoch = current_epoch(case) if epoch is None else epoch
    return {
        str(k): int(n)
        for k, n in case.conn.execute(
            "SELECT key, number FROM exhibit_register WHERE epoch = ?", (epoch,)
        )
    }


def identity(kind: str, ex: Any, members: Sequence[tuple[int, str]] = ()) -> str:
    """What an exhibit is, independent of its number: the record it is built around."""
    if kind == "chart" and ex.chart is not None:
        return f"chart:{ex.chart.id}"
    if ex.work is not None:
        return f"work:{ex.work.id}"
    if ex.capture is not None:
        return f"capture:{ex.capture.id}"
    if ex.generations:
        return f"generation:{ex.generations[0].id}"
    if members:
        return f"item:{members[0][0]}"
    return f"{kind}:{ex.title}"


class Allocator:
    """Numbers for exhibits: the registered one, else the next after the highest so far."""

    def __init__(self, register: dict[str, int]) -> None:
        self.register = dict(register)
        self.highest = max(self.register.values(), default=0)
        self.new: dict[str, int] = {}

    def take(self, key: str) -> int:
        if key in self.register:
            return self.register[key]
        if key not in self.new:
            self.highest += 1
            self.new[key] = self.highest
        return self.new[key]


def record(case: Case, options: ExportOptions, *, renumber: bool = False) -> int:
    """Register the numbers of exhibits exported for the first time (one logged event);
    with ``renumber`` start a new epoch that numbers every exhibit afresh. Returns how many
    exhibits got a number now."""
    from app.report.model import numbered_exhibits

    if not _has_table(case):
        return 0
    epoch = current_epoch(case)
    if renumber or epoch == 0:
        epoch += 1
        known: dict[str, int] = {}
    else:
        known = registered(case, epoch)
    rows = []
    next_id = case.next_id("exhibit_register")
    for ex in numbered_exhibits(case, options, known):
        if ex.identity in known:
            continue
        rows.append(
            {
                "id": next_id,
                "epoch": epoch,
                "series": "demonstrative" if ex.demonstrative else "exhibit",
                "key": ex.identity,
                "number": ex.number,
            }
        )
        next_id += 1
    if not rows and not renumber:
        return 0
    with case.transaction():
        case.log(
            ACTION,
            facts={"epoch": epoch, "renumbered": renumber, "count": len(rows)},
            records={"exhibit_register": rows},
        )
    return len(rows)


def demonstratives_index(
    rows: list[list[Any]],
    header: Sequence[str],
    t: Any,
    styles: Any,
    width: float,
) -> list[Any]:
    """The demonstratives' own index (PDX-1 … / 演示材料1 …), after the exhibit index."""
    from reportlab.platypus import Spacer

    from app.report.pdf import P, grid_table

    head = [t("No.", "编号"), *header[1:]]
    return [
        Spacer(1, 8),
        P(t("Demonstratives", "演示材料目录"), styles.h2),
        P(
            t(
                "Demonstratives are aids to explanation prepared with Proofshot; they are not "
                "evidence and carry no exhibit number.",
                "演示材料是使用Proofshot制作的说明辅助材料，不是证据，不占用证据编号。",
            ),
            styles.small,
        ),
        grid_table(
            head,
            rows,
            [48, width * 0.32, width * 0.2, width * 0.26, width - 48 - width * 0.78],
            styles,
            cell_style=styles.small,
            split_rows=False,
        ),
    ]
