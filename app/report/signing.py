"""The signed archive PDF: PDF/A-3 with the natives attached, then a PAdES B-T signature by pyHanko.

PDF/A-3 allows any file to travel inside the PDF if it says what it is: each attachment has
a MIME type, a modification date and an ``AFRelationship`` (``Source`` for the natives the
pages were made from, ``Supplement`` for the custody log and the timestamp tokens), and is
listed in the catalog's ``/AF``. The attachments are added with pikepdf, which keeps the
PDF 1.7 header PDF/A-3 needs (pyHanko's own embedding raises the file to PDF 2.0).

The signature is PAdES B-T: a CAdES signature over the whole file plus a signature
timestamp from the configured TSA. The certificate's passphrase comes from the keyring
(service ``Proofshot signing``, the P12's absolute path as the name), never from a file,
an argument, a log or the export record.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pikepdf
from pikepdf import Name
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.timestamps.common_utils import TimestampRequestError
from pyhanko.sign.timestamps.requests_client import RequestsHTTPTimeStamper

from app.core.errors import ProofshotError
from app.core.secrets import get_secret, set_secret
from app.core.tsa import BasicAuth, HeaderAuth, TsaConfig
from app.report.model import Bundle

SIGNING_SERVICE = "Proofshot signing"
MAX_ATTACHMENT_BYTES = 512 << 20
"""Natives larger than this stay in the archive only; pikepdf holds an attachment in memory."""


class SigningError(ProofshotError):
    exit_code = 11


@dataclass(frozen=True)
class Attachment:
    name: str  # path inside the bundle, e.g. natives/exhibit-003/3.1-<sha>.png
    path: Path
    mime_type: str
    description: str
    relationship: str  # Source | Supplement | Data


@dataclass(frozen=True)
class SignResult:
    path: Path
    signer: str
    tsa_url: str
    attachments: int
    skipped: list[str]


def _secret_name(p12: Path) -> str:
    return str(Path(p12).expanduser().resolve())


def store_signing_passphrase(p12: Path, passphrase: str) -> None:
    """Keep the P12's passphrase in the OS keyring (the only place Proofshot reads it from)."""
    set_secret(SIGNING_SERVICE, _secret_name(p12), {"type": "passphrase", "passphrase": passphrase})


def signing_passphrase(p12: Path) -> bytes | None:
    secret = get_secret(SIGNING_SERVICE, _secret_name(p12))
    if secret is None:
        return None
    value = secret.get("passphrase", secret.get("value"))
    return None if value is None else str(value).encode("utf-8")


def _pdf_date(moment: datetime) -> str:
    return moment.strftime("D:%Y%m%d%H%M%SZ")


def make_pdfa3(
    source: Path, target: Path, attachments: Sequence[Attachment], moment: datetime
) -> list[str]:
    """Copy ``source`` as PDF/A-3 with ``attachments`` embedded; returns names left out for size."""
    skipped: list[str] = []
    with pikepdf.open(source) as pdf:
        af = pikepdf.Array()
        for att in attachments:
            size = att.path.stat().st_size
            if size > MAX_ATTACHMENT_BYTES:
                skipped.append(att.name)
                continue
            data = att.path.read_bytes()
            spec = pikepdf.AttachedFileSpec(
                pdf,
                data,
                description=att.description,
                filename=att.name,
                mime_type=att.mime_type,
                creation_date=_pdf_date(moment),
                mod_date=_pdf_date(moment),
                relationship=Name("/" + att.relationship),
            )
            pdf.attachments[att.name] = spec
            stream = pdf.attachments[att.name].obj.EF.F
            params = stream.get("/Params") or pikepdf.Dictionary()
            params.CheckSum = pikepdf.String(hashlib.md5(data, usedforsecurity=False).digest())
            params.Size = size
            stream.Params = params
            af.append(pdf.attachments[att.name].obj)
        pdf.Root.AF = pdf.make_indirect(af)
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
            meta["pdfaid:part"] = "3"
            meta["pdfaid:conformance"] = "B"
        # The natives are compressed already; recompressing streams would also re-encode
        # the pages' PNG-predictor images (see volumes.save).
        pdf.save(
            target,
            deterministic_id=True,
            object_stream_mode=pikepdf.ObjectStreamMode.generate,
            compress_streams=False,
            stream_decode_level=pikepdf.StreamDecodeLevel.none,
        )
    return skipped


def _timestamper(tsa: TsaConfig) -> RequestsHTTPTimeStamper:
    auth = None
    headers = None
    if isinstance(tsa.auth, BasicAuth):
        auth = (tsa.auth.user, tsa.auth.password)
    elif isinstance(tsa.auth, HeaderAuth):
        headers = {tsa.auth.name: tsa.auth.value}
    return RequestsHTTPTimeStamper(tsa.url, timeout=tsa.timeout, auth=auth, headers=headers)


def sign_pdf(
    source: Path, target: Path, p12: Path, tsas: Sequence[TsaConfig], *, reason: str
) -> tuple[str, str]:
    """PAdES B-T signature over ``source`` into ``target``; returns (signer subject, TSA URL)."""
    p12 = Path(p12)
    if not p12.is_file():
        raise SigningError(f"The signing certificate {p12} does not exist.")
    if not tsas:
        raise SigningError(
            "Signing needs a timestamp authority (PAdES B-T), and none is configured; add one in the TSA settings."
        )
    passphrase = signing_passphrase(p12)
    try:
        signer = signers.SimpleSigner.load_pkcs12(pfx_file=str(p12), passphrase=passphrase)
    except (ValueError, OSError) as exc:
        signer = None
        detail = str(exc)
    else:
        detail = ""
    if signer is None:
        hint = (
            "no passphrase for it is in the keyring"
            if passphrase is None
            else "the passphrase in the keyring does not open it"
        )
        raise SigningError(
            f"The signing certificate {p12.name} could not be opened: {hint}. Store its passphrase with "
            f'`keyring set "{SIGNING_SERVICE}" {_secret_name(p12)}` (as JSON {{"passphrase": "…"}}) or in the settings dialog.'
            + (f" ({detail})" if detail else "")
        )
    subject = signer.signing_cert.subject.human_friendly
    meta = signers.PdfSignatureMetadata(
        field_name="ProofshotSignature",
        subfilter=SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
        embed_validation_info=False,
        use_pades_lta=False,
    )
    failures = []
    for tsa in tsas:
        output = io.BytesIO()
        try:
            with open(source, "rb") as inf:
                writer = IncrementalPdfFileWriter(inf, strict=False)
                signers.sign_pdf(
                    writer, meta, signer=signer, timestamper=_timestamper(tsa), output=output
                )
        except (TimestampRequestError, OSError) as exc:
            failures.append(f"{tsa.url}: {exc}")
            continue
        except Exception as exc:  # pyHanko wraps TSA failures in several error types
            if "timestamp" in str(exc).lower() or "tsa" in str(exc).lower():
                failures.append(f"{tsa.url}: {exc}")
                continue
            raise SigningError(f"Signing the archive PDF failed: {exc}") from exc
        target.write_bytes(output.getvalue())
        return subject, tsa.url
    raise SigningError(
        "No timestamp authority answered, so the PAdES B-T signature could not be made: "
        + "; ".join(failures)
    )


def signed_archive_pdf(
    bundle: Bundle,
    complete_pdf: Path,
    target: Path,
    workdir: Path,
    attachments: Sequence[Attachment],
    p12: Path,
    tsas: Sequence[TsaConfig],
) -> SignResult:
    pdfa3 = workdir / "pdfa3-unsigned.pdf"
    skipped = make_pdfa3(complete_pdf, pdfa3, attachments, bundle.document_time)
    subject, tsa_url = sign_pdf(
        pdfa3,
        target,
        p12,
        tsas,
        reason=f"Proofshot exhibit bundle, case {bundle.case_id}, custody log entry {bundle.head_seq}",
    )
    return SignResult(target, subject, tsa_url, len(attachments) - len(skipped), skipped)
