"""Joining, splitting, stamping and finishing the filing PDF with pikepdf.

ReportLab renders the pages; this module turns them into what a court's e-filing system
accepts: volumes under the size limit (an exhibit too large for one volume becomes "Exhibit 3,
Part 1 of 2"), an exhibit label and a Bates number stamped on every page, bookmarks for
every exhibit, document metadata, and the PDF/A-2b identification with an sRGB output
intent. Stamps are drawn after the split because the "Part 1 of 2" text depends on it.

Everything is deterministic: fixed dates (the case's last event), deterministic file IDs.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pikepdf
from pikepdf import Name, ObjectStreamMode, OutlineItem, StreamDecodeLevel
from PIL import ImageCms
from reportlab.pdfgen.canvas import Canvas

from app.report import page_template
from app.report.fonts import MONO, SANS, SANS_BOLD, draw_runs, plain, runs_width
from app.report.pdf import MARGIN_X, RenderedPart, Renderer, bates

SRGB_NAME = "sRGB IEC61966-2.1"
VOLUME_OVERHEAD = 96 * 1024  # trailer, xref, metadata, output intent, stamps' own font


@dataclass
class Plan:
    """Volumes as (first, last) global page numbers, 1-based and inclusive."""

    ranges: list[tuple[int, int]]
    oversize_pages: list[int] = field(default_factory=list)

    def volume_of(self, page: int) -> int:
        for index, (first, last) in enumerate(self.ranges, start=1):
            if first <= page <= last:
                return index
        return 1


@dataclass
class Volume:
    number: int
    count: int
    path: Path
    first: int
    last: int
    size: int


def srgb_profile() -> bytes:
    """An sRGB ICC profile from LittleCMS, with its creation date fixed for reproducibility."""
    data = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    data[24:36] = bytes([0x07, 0xD0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0])  # 2000-01-01 00:00:00
    data[84:100] = bytes(16)  # no profile ID: it would cover the date we just fixed
    return bytes(data)


# -- measuring --------------------------------------------------------------------------------


def _stream_len(obj: pikepdf.Object) -> int:
    try:
        return int(obj.stream_dict.get("/Length", 0))
    except (AttributeError, TypeError, ValueError):
        return 0


@dataclass
class PageCost:
    """What a page adds to a volume: its own content, and shared objects paid once per volume.

    Images and fonts are shared: a volume holding any page that uses one holds it once,
    whichever page that is (a chart page reuses the images of two earlier exhibits).
    """

    own: int
    shared: dict[tuple[int, int, int], int]


def page_costs(pages: Sequence[pikepdf.Page], part: int) -> list[PageCost]:
    """The cost of each page of one rendered part (``part`` keeps object keys distinct)."""
    sizes: dict[tuple[int, int], int] = {}

    def shared_of(resources: Any, out: dict[tuple[int, int, int], int], depth: int = 0) -> None:
        if resources is None or depth > 4:
            return
        xobjects = resources.get("/XObject")
        if xobjects is not None:
            for _, xobj in xobjects.items():
                key = xobj.objgen
                if key not in sizes:
                    size = _stream_len(xobj)
                    if xobj.get("/SMask") is not None:
                        size += _stream_len(xobj.SMask)
                    sizes[key] = size
                out[(part, *key)] = sizes[key]
                if xobj.get("/Subtype") == Name.Form:
                    shared_of(xobj.get("/Resources"), out, depth + 1)
        font_dict = resources.get("/Font")
        if font_dict is not None:
            for _, font in font_dict.items():
                key = font.objgen
                if key not in sizes:
                    size = 2048
                    descriptor = font.get("/FontDescriptor")
                    if descriptor is not None:
                        for name in ("/FontFile2", "/FontFile", "/FontFile3"):
                            if descriptor.get(name) is not None:
                                size += _stream_len(descriptor[name])
                    sizes[key] = size
                out[(part, *key)] = sizes[key]

    costs = []
    for page in pages:
        own = 600
        contents = page.obj.get("/Contents")
        if isinstance(contents, pikepdf.Array):
            own += sum(_stream_len(c) for c in contents)
        elif contents is not None:
            own += _stream_len(contents)
        shared: dict[tuple[int, int, int], int] = {}
        shared_of(page.obj.get("/Resources"), shared)
        costs.append(PageCost(own, shared))
    return costs


def plan_volumes(costs: Sequence[PageCost], sections: Sequence[str], budget: int) -> Plan:
    """Greedy split: keep sections whole where they fit, break inside one only when it must."""
    starts = [i for i in range(len(sections)) if i == 0 or sections[i] != sections[i - 1]]
    bounds = [*starts, len(sections)]
    ranges: list[tuple[int, int]] = []
    oversize: list[int] = []
    first, used = 0, 0
    held: set[tuple[int, int, int]] = set()

    def cost(
        pages: range, holding: set[tuple[int, int, int]]
    ) -> tuple[int, set[tuple[int, int, int]]]:
        total, new = 0, set()
        for page in pages:
            total += costs[page].own
            for key, size in costs[page].shared.items():
                if key not in holding and key not in new:
                    new.add(key)
                    total += size
        return total, new

    for s_index, start in enumerate(starts):
        end = bounds[s_index + 1]
        extra, new_keys = cost(range(start, end), held)
        if used + extra <= budget:
            used += extra
            held |= new_keys
            continue
        alone, alone_keys = cost(range(start, end), set())
        if used > 0 and alone <= budget:
            ranges.append((first, start - 1))
            first, used, held = start, alone, alone_keys
            continue
        # The section does not fit in what is left: fill page by page.
        for page in range(start, end):
            extra, new_keys = cost(range(page, page + 1), held)
            if used > 0 and used + extra > budget:
                ranges.append((first, page - 1))
                first, used, held = page, 0, set()
                extra, new_keys = cost(range(page, page + 1), held)
            if extra > budget:
                oversize.append(page + 1)
            used += extra
            held |= new_keys
    ranges.append((first, len(sections) - 1))
    return Plan([(a + 1, b + 1) for a, b in ranges if b >= a], oversize)


# -- stamping and finishing --------------------------------------------------------------------


def page_labels(renderer: Renderer, sections: Sequence[str], plan: Plan) -> list[tuple[str, str]]:
    """(page label, bookmark suffix) per page, with "Part i of k" for split sections."""
    spans: dict[str, list[int]] = {}
    for page, key in enumerate(sections, start=1):
        vol = plan.volume_of(page)
        spans.setdefault(key, [])
        if vol not in spans[key]:
            spans[key].append(vol)
    lang = renderer.lang
    out = []
    for page, key in enumerate(sections, start=1):
        section = renderer.section_by_key.get(key)
        en = section.label_en if section else ""
        zh = section.label_zh if section else ""
        vols = spans.get(key, [1])
        suffix_en = suffix_zh = ""
        if len(vols) > 1:
            part = vols.index(plan.volume_of(page)) + 1
            suffix_en = f", Part {part} of {len(vols)}"
            suffix_zh = f"（第{part}部分，共{len(vols)}部分）"
        suffix = lang.t(suffix_en, suffix_zh) if suffix_en else ""
        out.append((lang.t(en + suffix_en, zh + suffix_zh), suffix))
    return out


def _stamp_pdf(
    renderer: Renderer,
    labels: Sequence[tuple[str, str]],
    first: int,
    last: int,
    volume: int,
    volumes: int,
    sections: Sequence[str] = (),
) -> bytes:
    """One overlay page per volume page: label top left, volume top right, Bates bottom right;
    on exhibit pages the page x of y, and on web captures the URL, time, operator and tool."""
    spans = page_template.section_spans(sections)
    width, height = renderer.page_size
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=renderer.page_size, invariant=1, initialFontName=SANS)
    prefix = renderer.bundle.options.bates_prefix
    cover = renderer.bundle.cover
    zh_only = renderer.lang.zh and not renderer.lang.en
    title = plain(
        (cover.get("caption_zh") if zh_only else "") or renderer.bundle.case_title, limit=80
    )
    for page in range(first, last + 1):
        label = plain(labels[page - 1][0], limit=160)
        canvas.setFillColorRGB(0.1, 0.1, 0.1)
        draw_runs(canvas, MARGIN_X, height - 34, label, SANS_BOLD, 10.5)
        right = (
            renderer.lang.t(f"Volume {volume} of {volumes}", f"第{volume}册，共{volumes}册")
            if volumes > 1
            else ""
        )
        if right:
            draw_runs(
                canvas, width - MARGIN_X - runs_width(right, SANS, 8), height - 33, right, SANS, 8
            )
        canvas.setStrokeColorRGB(0.6, 0.6, 0.6)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN_X, height - 42, width - MARGIN_X, height - 42)
        canvas.line(MARGIN_X, 38, width - MARGIN_X, 38)
        stamp = bates(prefix, page)
        canvas.setFont(MONO, 10)
        canvas.drawRightString(width - MARGIN_X, 24, stamp)
        footer = title if runs_width(title, SANS, 7) < width / 2 else title[:60] + "…"
        draw_runs(canvas, MARGIN_X, 25, footer, SANS, 7)
        if sections:
            lines = page_template.page_lines(renderer, sections, page, spans)
            if lines.footer_centre:
                centre = plain(lines.footer_centre, limit=120)
                draw_runs(
                    canvas, width - MARGIN_X - runs_width(centre, SANS, 7), 42, centre, SANS, 7
                )
            for row, text in enumerate(lines.header):
                line = plain(text, limit=400)
                room = width - 2 * MARGIN_X
                while len(line) > 20 and runs_width(line, SANS, 6.5) > room:
                    line = line[: int(len(line) * 0.95)]
                    line = line[:-1] + "…"
                draw_runs(canvas, MARGIN_X, height - 51 - 8 * row, line, SANS, 6.5)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _pdf_date(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("D:%Y%m%d%H%M%SZ")


def finish(
    pdf: pikepdf.Pdf,
    renderer: Renderer,
    *,
    title: str,
    keywords: str,
    pdfa_part: int = 2,
) -> None:
    """Document metadata, XMP with the PDF/A identification, output intent, language, viewer prefs."""
    bundle = renderer.bundle
    moment = bundle.document_time
    author = bundle.cover.get("prepared_by") or bundle.declaration.declarant or "Proofshot"
    subject = (
        "Exhibit bundle prepared with Proofshot: exhibits, custody log, hash manifest, declarations"
    )
    pdf.docinfo = pdf.make_indirect(
        pikepdf.Dictionary(
            Title=pikepdf.String(title),
            Author=pikepdf.String(author),
            Subject=pikepdf.String(subject),
            Keywords=pikepdf.String(keywords),
            Creator=pikepdf.String(bundle.tool),
            Producer=pikepdf.String(f"{bundle.tool} (ReportLab, pikepdf)"),
            CreationDate=pikepdf.String(_pdf_date(moment)),
            ModDate=pikepdf.String(_pdf_date(moment)),
        )
    )
    iso = moment.astimezone(UTC).isoformat(timespec="seconds")
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
        meta["dc:title"] = title
        meta["dc:creator"] = [author]
        meta["dc:description"] = subject
        meta["pdf:Keywords"] = keywords
        meta["pdf:Producer"] = f"{bundle.tool} (ReportLab, pikepdf)"
        meta["xmp:CreatorTool"] = bundle.tool
        meta["xmp:CreateDate"] = iso
        meta["xmp:ModifyDate"] = iso
        meta["xmp:MetadataDate"] = iso
        meta["pdfaid:part"] = str(pdfa_part)
        meta["pdfaid:conformance"] = "B"
    icc = pdf.make_stream(srgb_profile())
    icc["/N"] = 3
    intent = pikepdf.Dictionary(
        Type=Name.OutputIntent,
        S=Name.GTS_PDFA1,
        OutputConditionIdentifier=pikepdf.String(SRGB_NAME),
        Info=pikepdf.String(SRGB_NAME),
        RegistryName=pikepdf.String("http://www.color.org"),
        DestOutputProfile=icc,
    )
    pdf.Root.OutputIntents = pikepdf.Array([intent])
    lang = renderer.lang
    pdf.Root.Lang = pikepdf.String("zh-CN" if (lang.zh and not lang.en) else "en-US")
    pdf.Root.ViewerPreferences = pikepdf.Dictionary(DisplayDocTitle=True)
    pdf.Root.PageMode = Name.UseOutlines


def stamp_page(pdf: pikepdf.Pdf, page: pikepdf.Page, stamp: pikepdf.Page) -> None:
    """Draw ``stamp`` over ``page`` as a form XObject under a fixed name.

    pikepdf's ``add_overlay`` picks a random resource name, which would make two exports of
    the same case differ; the page's own content is wrapped in q/Q so its graphics state
    cannot leak into the stamp.
    """
    form = pdf.copy_foreign(stamp.as_form_xobject())
    page.add_resource(form, Name.XObject, Name("/PSStamp"))
    page.contents_add(pdf.make_stream(b"q\n"), prepend=True)
    page.contents_add(pdf.make_stream(b"\nQ\nq /PSStamp Do Q\n"), prepend=False)


def write_volume(
    pages: Sequence[pikepdf.Page],
    renderer: Renderer,
    sections: Sequence[str],
    labels: Sequence[tuple[str, str]],
    first: int,
    last: int,
    number: int,
    count: int,
    path: Path,
) -> pikepdf.Pdf:
    """Pages first..last (of all ``pages``) as one finished, stamped volume; returned unsaved.

    The pages are copied straight from the rendered part files, which pikepdf reads lazily;
    copying them through an in-memory merged document would hold every image in memory.
    """
    vol = pikepdf.new()
    vol.pages.extend(pages[first - 1 : last])
    overlay = pikepdf.open(
        io.BytesIO(_stamp_pdf(renderer, labels, first, last, number, count, sections))
    )
    for index, page in enumerate(vol.pages):
        stamp_page(vol, page, overlay.pages[index])
    prefix = renderer.bundle.options.bates_prefix
    with vol.open_outline() as outline:
        previous = None
        for page in range(first, last + 1):
            key = sections[page - 1]
            if key == previous:
                continue
            previous = key
            section = renderer.section_by_key.get(key)
            if section is None:
                continue
            title = plain(section.title + labels[page - 1][1], limit=200)
            outline.root.append(OutlineItem(title, page - first))
    title = renderer.bundle.case_title or "Exhibit bundle"
    title = renderer.lang.t(f"{title} — exhibit bundle", f"{title}——证据材料")
    if count > 1:
        title += renderer.lang.t(f" (volume {number} of {count})", f"（第{number}册，共{count}册）")
    finish(
        vol, renderer, title=title, keywords=f"Bates {bates(prefix, first)}-{bates(prefix, last)}"
    )
    return vol


def save(pdf: pikepdf.Pdf, path: Path) -> int:
    pdf.save(
        path,
        deterministic_id=True,
        object_stream_mode=ObjectStreamMode.generate,
        # Every stream is compressed already (ReportLab's pages and fonts, the natives' own
        # image data). With compression on, qpdf re-encodes PNG-predictor image streams,
        # which costs seconds per volume and changes the embedded pixel data's encoding.
        compress_streams=False,
        stream_decode_level=StreamDecodeLevel.none,
    )
    return path.stat().st_size


def open_parts(
    parts: Sequence[RenderedPart],
) -> tuple[list[pikepdf.Page], list[str], list[pikepdf.Pdf]]:
    """Every page of the rendered parts in order; the part files stay open until closed."""
    sources = []
    pages: list[pikepdf.Page] = []
    sections: list[str] = []
    for part in parts:
        src = pikepdf.open(part.path)
        sources.append(src)
        pages.extend(src.pages)
        sections += part.page_sections
    return pages, sections, sources


def section_pages(sections: Sequence[str]) -> dict[str, tuple[int, int]]:
    pages: dict[str, tuple[int, int]] = {}
    for page, key in enumerate(sections, start=1):
        first, _ = pages.get(key, (page, page))
        pages[key] = (first, page)
    return pages


def volume_summaries(
    renderer: Renderer, sections: Sequence[str], plan: Plan
) -> list[dict[str, Any]]:
    out = []
    for number, (first, last) in enumerate(plan.ranges, start=1):
        exhibits = []
        for key in dict.fromkeys(sections[first - 1 : last]):
            section = renderer.section_by_key.get(key)
            if section is not None and section.exhibit is not None:
                exhibits.append(section.exhibit)
        if exhibits:
            text = f"{exhibits[0]}–{exhibits[-1]}" if len(exhibits) > 1 else str(exhibits[0])
        else:
            text = "—"
        out.append({"number": number, "first": first, "last": last, "exhibits": text})
    return out
