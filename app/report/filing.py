"""Render the filing PDF volumes from the bundle model (ReportLab pages, pikepdf finishing).

The loop exists because three facts depend on one another: the index on the cover names the
page of every exhibit; the cover's length depends on whether a volume table is needed; and
the volume split depends on the sizes of the pages. Each pass re-renders only the short
front matter; it settles in two or three passes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf

from app.core.jobs import CancelToken
from app.report.model import Bundle
from app.report.pdf import Renderer
from app.report.volumes import (
    VOLUME_OVERHEAD,
    Plan,
    Volume,
    open_parts,
    page_costs,
    page_labels,
    plan_volumes,
    save,
    section_pages,
    volume_summaries,
    write_volume,
)


@dataclass
class FilingOutput:
    volumes: list[Volume]
    complete: Path | None
    pages: int
    sections: list[str]
    warnings: list[str] = field(default_factory=list)


def _significant(info: list[dict[str, object]]) -> list[dict[str, object]]:
    return info if len(info) > 1 else []


def render_filing(
    bundle: Bundle,
    objects: Callable[[str], Path],
    workdir: Path,
    out_dir: Path,
    *,
    base_name: str = "exhibits",
    complete_path: Path | None = None,
    cancel: CancelToken | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> FilingOutput:
    """Write the volumes to ``out_dir`` (and the unsplit copy to ``complete_path`` if given)."""
    workdir.mkdir(parents=True, exist_ok=True)
    out_dir.mkdir(parents=True, exist_ok=True)
    renderer = Renderer(bundle, objects, workdir)

    def body_progress(done: int, total: int) -> None:
        if progress is not None:
            progress("Laying out exhibits", done, total)

    body = renderer.render_body(cancel, body_progress)
    body_sections = [key for part in body for key in part.page_sections]
    max_bytes = int(bundle.options.max_mb * 1024 * 1024)
    front_sections = ["cover", "index"]
    volumes_info: list[dict[str, object]] = []
    shrink = 0
    warnings: list[str] = []
    for attempt in range(12):
        if cancel is not None:
            cancel.raise_if_cancelled()
        pages = section_pages(front_sections + body_sections)
        front = renderer.render_front(pages, volumes_info, workdir / f"front-{attempt}.pdf")
        if front.page_sections != front_sections:
            front_sections = front.page_sections
            continue
        pages, sections, sources = open_parts([front, *body])
        try:
            costs = [
                cost
                for index, src in enumerate(sources)
                for cost in page_costs(list(src.pages), index)
            ]
            budget = max(1, max_bytes - VOLUME_OVERHEAD - shrink)
            plan = plan_volumes(costs, sections, budget)
            info = volume_summaries(renderer, sections, plan)
            if _significant(info) != _significant(volumes_info):
                volumes_info = info
                continue
            if progress is not None:
                progress("Writing volumes", 0, len(plan.ranges))
            labels = page_labels(renderer, sections, plan)
            written, over = _write_volumes(
                pages, renderer, sections, labels, plan, out_dir, base_name, max_bytes, progress
            )
            if over:
                for vol_written in written:
                    vol_written.path.unlink(missing_ok=True)
                shrink += over + 64 * 1024
                continue
            if plan.oversize_pages:
                warnings.append(
                    f"{len(plan.oversize_pages)} page(s) alone exceed {bundle.options.max_mb} MB "
                    f"(pages {', '.join(map(str, plan.oversize_pages[:10]))}); they are in volumes of their own."
                )
            complete = None
            if complete_path is not None:
                complete = _write_complete(pages, renderer, sections, complete_path)
            return FilingOutput(written, complete, len(sections), sections, warnings)
        finally:
            for src in sources:
                src.close()
    raise RuntimeError("The filing PDF's page layout did not settle; please report this case.")


def _write_volumes(
    pages: list[pikepdf.Page],
    renderer: Renderer,
    sections: list[str],
    labels: list[tuple[str, str]],
    plan: Plan,
    out_dir: Path,
    base_name: str,
    max_bytes: int,
    progress: Callable[[str, int, int], None] | None,
) -> tuple[list[Volume], int]:
    """Write the planned volumes; return them and by how many bytes the largest overshot.

    A volume holding one page, or only pages that alone exceed the budget, never counts as
    overshooting: no re-plan could make it smaller.
    """
    written: list[Volume] = []
    over = 0
    count = len(plan.ranges)
    for number, (first, last) in enumerate(plan.ranges, start=1):
        name = f"{base_name}.pdf" if count == 1 else f"{base_name}-volume-{number}-of-{count}.pdf"
        path = out_dir / name
        vol = write_volume(pages, renderer, sections, labels, first, last, number, count, path)
        size = save(vol, path)
        vol.close()
        written.append(Volume(number, count, path, first, last, size))
        alone = first == last or all(p in plan.oversize_pages for p in range(first, last + 1))
        if size > max_bytes and not alone:
            over = max(over, size - max_bytes)
        if progress is not None:
            progress("Writing volumes", number, count)
    return written, over


def _write_complete(
    pages: list[pikepdf.Page], renderer: Renderer, sections: list[str], path: Path
) -> Path:
    """The unsplit copy: every page in one volume, labelled as a single volume."""
    total = len(sections)
    single = Plan([(1, total)])
    whole = write_volume(
        pages, renderer, sections, page_labels(renderer, sections, single), 1, total, 1, 1, path
    )
    save(whole, path)
    whole.close()
    return path
