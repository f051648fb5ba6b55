"""The export job: anchor what exists, verify, build the bundle, list every file, seal the list.

Order matters for what the bundle can prove on its own:

1. Attest pending items and, unless the custody log already ends in a seal, seal it (two
   TSAs when two answer), so the log shipped in the bundle is timestamped up to its head.
2. Re-verify the whole case (every object re-hashed, the chain recomputed) and print the
   result in the bundle.
3. Build the bundle model at the log's head and write the filing PDF(s), the signed PDF and
   the archive folder from it.
4. Log ``export.created`` listing every file written (path, size, SHA-256: the PDFs, the
   natives, the tokens, ``bundle.json`` and the manifests included), then seal the log again:
   the seal's token attests that list.
5. Write ``archive/anchor/``: the custody-log entries after the archived log's head (the
   ``export.created`` entry and the seals over it) and the seal tokens. The listed files cannot
   hold the entry that lists them, so the anchor is written after the seal and is checked by
   its hash chain and its tokens, not by the list. Then zip the folder.

Same case state and options give a byte-identical filing PDF: nothing in it depends on the
clock, only on the log's head. The archive is the same except ``anchor/``, which records when
this export happened.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.core import attest, custody
from app.core.attest import WriterCall
from app.core.case import Case
from app.core.digests import sha256_file
from app.core.errors import ProofshotError
from app.core.jobs import CancelToken, Progress, ProgressCallback, no_progress
from app.core.problems import VerifyReport
from app.core.tsa import TsaConfig
from app.core.tsa_settings import tsa_configs
from app.core.verify import verify_case
from app.report import archive as archive_mod
from app.report import exhibit_register
from app.report import notice as notice_mod
from app.report.filing import render_filing
from app.report.model import Bundle, ExportOptions, apply_ranking, build_bundle
from app.report.signing import Attachment, signed_archive_pdf


@dataclass
class ExportResult:
    filing: list[Path]
    archive_folder: Path | None
    archive_zip: Path | None
    signed: Path | None
    event_seq: int
    intact: bool
    pages: int
    exhibits: int
    warnings: list[str] = field(default_factory=list)
    seals: int = 0
    anchored: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "filing": [str(p) for p in self.filing],
            "archive": None
            if self.archive_folder is None
            else {"folder": str(self.archive_folder), "zip": str(self.archive_zip)},
            "signed": None if self.signed is None else str(self.signed),
            "event_seq": self.event_seq,
            "intact": self.intact,
            "pages": self.pages,
            "exhibits": self.exhibits,
            "seals": self.seals,
            "anchored": self.anchored,
            "warnings": self.warnings,
        }


def _entry(path: Path, out: Path) -> dict[str, Any]:
    return {
        "path": path.relative_to(out).as_posix(),
        "size": path.stat().st_size,
        "sha256": sha256_file(path, follow_symlinks=False),
    }


BUNDLE_FOLDERS = ("filing", "signed", "archive", "notice")
"""The folders an export writes under ``--out`` (nothing else there is the export's)."""


def _listing(out: Path, result: ExportResult) -> list[dict[str, Any]]:
    """Every file the export wrote, relative to ``out``: the PDFs, the archive's every file, the notice."""
    paths = [*result.filing]
    if result.signed is not None:
        paths.append(result.signed)
    for name in BUNDLE_FOLDERS:
        folder = out / name
        if folder.is_dir() and not folder.is_symlink():
            paths += sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink())
    return [_entry(p, out) for p in dict.fromkeys(paths)]


def anchoring_warnings(bundle: Bundle, export_seals: int) -> list[str]:
    """Plain-words warnings when the export, or some exhibited items, have no trusted timestamp."""
    warnings = []
    if export_seals == 0:
        warnings.append(
            "Nothing anchors this bundle: no timestamp authority answered (or none is configured), "
            "so no trusted timestamp covers its list of files; verify-bundle will report it as INTACT, UNANCHORED."
        )
    untimed = sorted({v.item.id for v in bundle.item_views() if not v.tokens})
    if untimed:
        shown = ", ".join(str(i) for i in untimed[:20]) + ("…" if len(untimed) > 20 else "")
        warnings.append(
            f"{len(untimed)} exhibited item(s) have no trusted timestamp of their own (items {shown}); "
            "their acquisition time rests on this computer's clock."
        )
    return warnings


def _slug(text: str) -> str:
    cleaned = "".join(c if c.isascii() and c.isalnum() else "-" for c in text.lower())
    cleaned = "-".join(p for p in cleaned.split("-") if p)[:40]
    return cleaned or "case"


@dataclass
class _Drafted:
    """What the writer hands the export's own thread: the verified case as a bundle model."""

    verification: VerifyReport
    bundle: Bundle
    ranking: Any
    note: Any
    path_for: Callable[[str], Path]


class ExportJob:
    """Export a case's court bundle; ``run(progress, cancel) -> ExportResult``.

    ``case`` is a case folder (opened for writing, and closed again) or a :class:`Case` the
    caller already holds open for writing (the GUI's), which is left open. With ``writer``
    (:data:`~app.core.attest.WriterCall`, the GUI's writer thread) ``case`` may be None:
    every read and write of the case goes through it, while the TSA requests, the rendering
    and the signing run on the thread that runs the job, so the writer is never held by a
    slow timestamp authority.
    """

    title = "Export bundle"

    def __init__(
        self,
        case: Path | str | Case | None,
        options: ExportOptions,
        *,
        tsas: Sequence[TsaConfig] | None = None,
        actor: str | None = None,
        writer: WriterCall | None = None,
    ) -> None:
        self.case_ref = case
        self.options = options
        self.tsas = tsas
        self.actor = actor
        self.writer = writer
        self._signer: str | None = None

    def run(
        self, progress: ProgressCallback | None = None, cancel: CancelToken | None = None
    ) -> ExportResult:
        report = progress or no_progress
        cancel = cancel or CancelToken()
        if self.writer is not None:
            return self._run(self.writer, report, cancel)
        if isinstance(self.case_ref, Case):
            held = self.case_ref
            return self._run(lambda fn: fn(held), report, cancel)
        if self.case_ref is None:
            raise ValueError("An export needs a case or a writer.")
        with Case.open(Path(self.case_ref)) as case:
            return self._run(lambda fn: fn(case), report, cancel)

    def _targets(self, case: Case, bundle_head: int) -> Path:
        if case.read_only:
            raise ProofshotError(
                "Exporting records a custody event, so the case must be open for writing."
            )
        out = self.options.out or (case.path / "exports" / f"export-{bundle_head:06d}")
        out = Path(out)
        if out.exists() and not out.is_dir():
            raise ProofshotError(
                f"{out} is a file; the export needs a folder to write into (give --out a new or empty folder)."
            )
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ProofshotError(
                f"The export folder {out} cannot be created ({exc.strerror or exc}); give --out a folder you can write to."
            ) from exc
        for name in ("filing", "archive", "archive.zip", "signed"):
            target = out / name
            if target.exists() and (target.is_file() or any(target.iterdir())):
                raise ProofshotError(
                    f"{target} already exists; export into an empty folder (or a new --out) so no earlier bundle is mixed in."
                )
        return out

    def _anchor_first(
        self,
        call: WriterCall,
        tsas: Sequence[TsaConfig],
        progress: ProgressCallback,
        cancel: CancelToken,
    ) -> int:
        """Steps 0-1: exhibit numbers, then trusted time for pending items and the log's head.

        Only the reads and stores use the writer; the TSA waits happen on this thread.
        Returns the number of seal tokens obtained.
        """
        options = self.options
        call(lambda case: exhibit_register.record(case, options, renumber=options.renumber))
        if tsas and call(lambda case: attest.pending_items(case, limit=1)):
            progress(Progress(0, None, "Timestamping pending items"))
            attest.attest_pending_via(call, tsas, cancel=cancel)
        last = call(
            lambda case: case.conn.execute(
                "SELECT action FROM events ORDER BY seq DESC LIMIT 1"
            ).fetchone()
        )
        if tsas and (last is None or last[0] != "log.sealed"):
            progress(Progress(0, None, "Sealing the custody log"))
            return len(attest.seal_log_via(call, tsas).tokens)
        return 0

    def _draft(self, case: Case, progress: ProgressCallback, cancel: CancelToken) -> _Drafted:
        """Steps 2-3 on the writer: verify the whole case and build the bundle model from it."""
        verification = verify_case(case, progress, cancel)
        cancel.raise_if_cancelled()
        progress(Progress(0, None, "Building the bundle"))
        bundle = build_bundle(case, self.options, verification)
        # The tool's `match` ranking of the outputs: the summary's "tool's ranking" column and
        # the notice's selection rule (#13).
        ranking, note = notice_mod.match_ranking(case, notice_mod.output_candidates(bundle))
        apply_ranking(bundle, ranking)
        return _Drafted(verification, bundle, ranking, note, case.objects.path_for)

    def _run(
        self, call: WriterCall, progress: ProgressCallback, cancel: CancelToken
    ) -> ExportResult:
        tsas = list(self.tsas) if self.tsas is not None else tsa_configs()
        out = call(lambda case: self._targets(case, custody.head(case.conn)[0]))
        seals = self._anchor_first(call, tsas, progress, cancel)
        cancel.raise_if_cancelled()
        drafted: _Drafted = call(lambda case: self._draft(case, progress, cancel))
        created: list[Path] = []
        work = Path(tempfile.mkdtemp(prefix=".proofshot-export-", dir=out))
        try:
            result = self._write(call, drafted, out, work, tsas, created, progress, cancel)
        except BaseException:
            for path in created:
                with contextlib.suppress(OSError):
                    shutil.rmtree(path) if path.is_dir() else path.unlink()
            raise
        finally:
            shutil.rmtree(work, ignore_errors=True)
        verification, bundle = drafted.verification, drafted.bundle
        result.intact = bool(verification.intact)
        # 4. the export is itself a custody event listing every file, then sealed
        files = _listing(out, result)
        result.event_seq = call(lambda case: self._log_export(case, out, files, drafted, result))
        export_seals = 0
        if tsas:
            progress(Progress(0, None, "Sealing the export"))
            export_seals = len(attest.seal_log_via(call, tsas).tokens)
        result.seals = seals + export_seals
        result.anchored = export_seals > 0
        # 5. the anchor (the entries after the archived log and the seal tokens), then the zip
        if result.archive_folder is not None and result.archive_zip is not None:
            folder, zip_path = result.archive_folder, result.archive_zip
            call(
                lambda case: archive_mod.write_anchor(
                    case, folder, bundle.head_seq, result.event_seq
                )
            )
            archive_mod.write_zip(folder, zip_path, bundle.document_time.timetuple()[:6])
        if not verification.intact:
            result.warnings.append(
                "The case did not verify as intact at export; the bundle says so on its cover and in the declaration."
            )
        result.warnings += anchoring_warnings(bundle, export_seals)
        return result

    def _log_export(
        self,
        case: Case,
        out: Path,
        files: list[dict[str, Any]],
        drafted: _Drafted,
        result: ExportResult,
    ) -> int:
        """On the writer: the ``export.created`` event listing every file; its sequence number."""
        bundle = drafted.bundle
        with case.transaction():
            event = case.log(
                "export.created",
                facts={
                    "options": self.options.as_dict(),
                    "out": str(out),
                    "files": files,
                    "bundle_head_seq": bundle.head_seq,
                    "bundle_head_hash": bundle.head_hash,
                    "exhibits": len(bundle.exhibits),
                    "pages": result.pages,
                    "verification_intact": bool(drafted.verification.intact),
                    "signer": self._signer,
                },
                actor=self.actor,
            )
        return event.seq

    def _write(
        self,
        call: WriterCall,
        drafted: _Drafted,
        out: Path,
        work: Path,
        tsas: Sequence[TsaConfig],
        created: list[Path],
        progress: ProgressCallback,
        cancel: CancelToken,
    ) -> ExportResult:
        """Step 3's files: the filing PDF(s) and the notice, the signed PDF, the archive."""
        bundle = drafted.bundle
        options = bundle.options
        base = f"{_slug(bundle.case_title)}-exhibits"

        def report(message: str, done: int, total: int) -> None:
            progress(Progress(done, total, message))

        wants_filing = options.profile in ("filing", "both")
        filing_dir = out / "filing" if wants_filing else work / "filing"
        if wants_filing:
            created.append(filing_dir)
        complete = work / f"{base}-complete.pdf" if options.sign else None
        filing = render_filing(
            bundle,
            drafted.path_for,
            work / "render",
            filing_dir,
            base_name=base,
            complete_path=complete,
            cancel=cancel,
            progress=report,
        )
        cancel.raise_if_cancelled()
        # The platform notice: a separate unstamped DRAFT, never part of the filing (#13).
        created.append(out / "notice")
        notice_mod.write_notice(
            bundle,
            out / "notice",
            objects=drafted.path_for,
            ranking=drafted.ranking,
            note=drafted.note,
        )
        signed = self._sign(call, bundle, complete, out, work, base, tsas, created, progress)
        if signed is not None:
            filing.warnings += signed[1]
        cancel.raise_if_cancelled()
        folder = zip_path = None
        if options.profile in ("archive", "both"):
            folder, zip_path = out / "archive", out / "archive.zip"
            created += [folder, zip_path]
            pdfs, signed_pdf = [v.path for v in filing.volumes], signed and signed[0]
            call(
                lambda case: archive_mod.write_archive(
                    case,
                    bundle,
                    folder,
                    zip_path,
                    filing_pdfs=pdfs,
                    signed_pdf=signed_pdf,
                    progress=report,
                    cancel_check=cancel.raise_if_cancelled,
                    make_zip=False,
                )
            )
        return ExportResult(
            filing=[v.path for v in filing.volumes] if wants_filing else [],
            archive_folder=folder,
            archive_zip=zip_path,
            signed=None if signed is None else signed[0],
            event_seq=0,
            intact=True,
            pages=filing.pages,
            exhibits=len(bundle.exhibits),
            warnings=list(filing.warnings),
        )

    def _sign(
        self,
        call: WriterCall,
        bundle: Bundle,
        complete: Path | None,
        out: Path,
        work: Path,
        base: str,
        tsas: Sequence[TsaConfig],
        created: list[Path],
        progress: ProgressCallback,
    ) -> tuple[Path, list[str]] | None:
        """The signed archive PDF, when asked for: attachments read on the writer, the
        signature (and its TSA request) made on this thread. Returns its path and warnings."""
        sign = bundle.options.sign
        if sign is None:
            return None
        assert complete is not None
        progress(Progress(0, None, "Signing the archive PDF"))
        signed_dir = out / "signed"
        created.append(signed_dir)
        signed_dir.mkdir(exist_ok=True)
        attachments = call(lambda case: self._attachments(case, bundle, work / "attach"))
        result = signed_archive_pdf(
            bundle,
            complete,
            signed_dir / f"{base}-signed.pdf",
            work,
            attachments,
            sign,
            tsas,
        )
        self._signer = result.signer
        warnings = [
            f"{name} is too large to attach; it is in the archive only." for name in result.skipped
        ]
        return result.path, warnings

    def _attachments(self, case: Case, bundle: Bundle, folder: Path) -> list[Attachment]:
        """Natives (Source), and the custody log, tokens and model (Supplement), for the signed PDF."""
        folder.mkdir(parents=True, exist_ok=True)
        out: list[Attachment] = []
        for view in bundle.item_views():
            out.append(
                Attachment(
                    view.native_name,
                    case.objects.path_for(view.item.sha256),
                    view.item.media_type or "application/octet-stream",
                    f"Exhibit item {view.label}: native file, SHA-256 {view.item.sha256}",
                    "Source",
                )
            )
        archive_mod.write_custody_log(case, bundle.head_seq, folder / archive_mod.CUSTODY_LOG)
        out.append(
            Attachment(
                archive_mod.CUSTODY_LOG,
                folder / archive_mod.CUSTODY_LOG,
                "application/jsonl",
                "Custody log (JSON lines)",
                "Supplement",
            )
        )
        (folder / archive_mod.BUNDLE_JSON).write_text(
            json.dumps(
                archive_mod.bundle_json(bundle), ensure_ascii=False, indent=2, sort_keys=True
            )
            + "\n",
            "utf-8",
        )
        out.append(
            Attachment(
                archive_mod.BUNDLE_JSON,
                folder / archive_mod.BUNDLE_JSON,
                "application/json",
                "Bundle model: exhibits, items, tokens",
                "Supplement",
            )
        )
        tokens = folder / "tokens"
        attest.export_tokens(case, tokens)
        for path in sorted(tokens.iterdir()):
            mime = {".tsr": "application/timestamp-reply", ".json": "application/json"}.get(
                path.suffix, "text/plain"
            )
            out.append(
                Attachment(
                    f"tokens/{path.name}", path, mime, "Timestamp token material", "Supplement"
                )
            )
        return out


__all__ = ["ExportJob", "ExportOptions", "ExportResult"]
