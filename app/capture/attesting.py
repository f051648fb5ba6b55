"""Trusted time for a capture's items without holding up the case's single writer.

A capture (a page, a recording session) is stored on the writer thread; its items then wait
for an RFC 3161 token. Asking a TSA is network I/O, up to each TSA's timeout, so it must not
run on the writer: every other edit (a note typed in the window meanwhile) would queue behind
it. An attempt therefore has three steps, as the window's background attester has:

1. on the writer, read the next pending batch (a few rows);
2. on this attester's own worker thread, read the TSA settings (the keyring may block) and
   ask the TSAs in order;
3. on the writer, store the token -- or log each failed request -- in milliseconds.

Attempts run one at a time, in submission order, so two captures never ask for the same
batch twice; an attempt drains every pending batch unless all TSAs fail (the items then stay
pending and are retried later).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

from app.capture.writer import CaseWriter
from app.core import attest
from app.core.attest import AttestOutcome
from app.core.tsa import TsaConfig

WRITER_TIMEOUT = 600.0  # seconds to wait for the writer to run one short step


class CaptureAttester:
    """Attests a case's pending items: the network on a worker, storing on the writer."""

    def __init__(self, writer: CaseWriter, tsas: Callable[[], list[TsaConfig]]) -> None:
        self._writer = writer
        self._tsas = tsas
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="capture-attest")

    def submit(self) -> Future[AttestOutcome]:
        """Start an attempt after those already submitted; the future holds its outcome."""
        return self._pool.submit(self.attest_pending)

    def attest_pending(self) -> AttestOutcome:
        """Attest every pending item (blocking; never call it on the writer thread)."""
        outcome = AttestOutcome()
        configs = self._tsas()
        if not configs:
            return outcome
        while True:
            batch = self._writer.submit(attest.read_batch).result(timeout=WRITER_TIMEOUT)
            if batch is None:
                break
            attest.ask_tsas(batch, configs)
            stored = self._writer.submit(lambda case, b=batch: attest.store_batch(case, b)).result(
                timeout=WRITER_TIMEOUT
            )
            outcome.failures += stored.failures
            outcome.tokens += stored.tokens
            outcome.attested_items += stored.attested_items
            outcome.pending = stored.pending
            if not stored.tokens:
                break  # every TSA failed: the batch stays pending, to be retried later
        return outcome

    def drain(self, timeout: float = WRITER_TIMEOUT) -> bool:
        """Wait until every attempt submitted so far has ended (before the writer closes:
        a writer closed under an attempt would leave its items pending). False on timeout."""
        try:
            self._pool.submit(lambda: None).result(timeout=timeout)
        except RuntimeError:  # already closed: nothing more will run
            return True
        except TimeoutError:
            return False
        return True

    def close(self) -> None:
        """No new attempts; those submitted finish on their own thread."""
        self._pool.shutdown(wait=False)
