"""Shared fixtures for the report tests: a loopback TSA and exported bundles, made once per module.

Exporting takes seconds, so each test module exports once and its tests look at the result.
Module fixtures run before the per-test autouse fixtures, so they set up their own in-memory
keyring and pass the TSA to the export job explicitly.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import keyring
import pytest

from app.core import attest
from app.core.case import Case
from app.core.tsa import TsaConfig
from app.report.commands import register
from app.report.export import ExportJob, ExportResult
from app.report.model import ExportOptions
from app.report.verify_bundle import TrustAnchors
from tests.memory_keyring import MemoryKeyring
from tests.report.builders import build_demo_case
from tests.tsa_server import TsaServer, pki_for


@dataclass
class Exported:
    case_path: Path
    out: Path
    result: ExportResult
    ids: dict[str, Any]
    tsa_url: str

    @property
    def pdf(self) -> Path:
        return self.result.filing[0]


@pytest.fixture(scope="module")
def module_tsa(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TsaServer]:
    with TsaServer(pki_for("A"), tmp_path_factory.mktemp("tsa")) as server:
        yield server


@pytest.fixture(scope="module")
def module_keyring() -> Iterator[MemoryKeyring]:
    backend = MemoryKeyring()
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def make_case(folder: Path, tsa: TsaServer | None, *, hostile: bool = False) -> dict[str, Any]:
    """The demo case, its items attested by the loopback TSA (whose root the case trusts)."""
    ids = build_demo_case(folder, hostile=hostile)
    case: Case = ids["case"]
    if tsa is not None:
        attest.add_trust_anchors(case, tsa.ca_pem)
        attest.attest_pending(case, [TsaConfig(tsa.url)])
    case.close()
    ids.pop("case")
    return ids


def export(case_path: Path, out: Path, tsa: TsaServer | None, **options: Any) -> ExportResult:
    opts = ExportOptions(out=out, **options)
    tsas = [TsaConfig(tsa.url)] if tsa is not None else []
    return ExportJob(case_path, opts, tsas=tsas).run()


def anchors_for(tsa: TsaServer) -> TrustAnchors:
    """The loopback TSA's root as the only trust anchor, passed explicitly (never the OS store)."""
    return TrustAnchors((tsa.ca_pem,), ("the loopback TSA's root",))


def ca_file(tsa: TsaServer, folder: Path) -> Path:
    """The loopback TSA's root as a PEM file, for ``--ca-file``."""
    path = folder / "tsa-root.pem"
    path.write_bytes(tsa.ca_pem)
    return path


def cli_parser() -> argparse.ArgumentParser:
    """A parser like app.cli's, with only the report commands registered."""
    parser = argparse.ArgumentParser(prog="proofshot")
    sub = parser.add_subparsers(dest="command")

    def add(
        name: str, handler: Callable[[argparse.Namespace], int], help_text: str
    ) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text)
        p.set_defaults(handler=handler)
        return p

    register(add)
    return parser


def run_cli(*argv: str) -> int:
    args = cli_parser().parse_args([str(a) for a in argv])
    return int(args.handler(args))


def pdftotext(path: Path, first: int | None = None, last: int | None = None) -> str:
    cmd = ["pdftotext", "-layout"]
    if first:
        cmd += ["-f", str(first)]
    if last:
        cmd += ["-l", str(last)]
    return subprocess.run([*cmd, str(path), "-"], capture_output=True, text=True, check=True).stdout


def copy_tree(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst
