"""Trusted time in the background: pending items are attested soon after they are stored.

Every stored item starts "time not yet attested". After each change to the case (an import,
a capture, …) the window asks the configured timestamp authorities for a token over the
pending items. An attempt has three steps, so that the network never holds up an edit:

1. on the GUI thread, read the batch (pending items, trust anchors) from the session's
   read-only view -- a few rows;
2. in the session's worker pool, read the credentials (the keyring may block) and ask the
   TSAs in order (network I/O, up to each TSA's timeout);
3. on the writer thread, store the token over the batch -- or log each failed request
   (``timestamp.attempt-failed``) -- and count what is still pending.

Only step 3 uses the writer, for milliseconds, so a tag or note made while a TSA is slow is
stored at once. Items stay queued while the TSAs are unreachable; retries follow
:class:`app.core.attest.Backoff` (30 s doubling to an hour) instead of hammering them on
every change.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from app.core import attest
from app.core.attest import AttestOutcome, Backoff, PendingBatch
from app.core.tsa_settings import tsa_configs, tsa_urls
from app.gui.session import CaseSession

SETTLE_MS = 300  # a burst of changes (a folder import) leads to one request, not many


def _ask_tsas(batch: PendingBatch, urls: list[str]) -> PendingBatch:
    """Step 2, in the worker pool: no database, only the keyring and the network."""
    return attest.ask_tsas(batch, tsa_configs(urls))


class BackgroundAttester(QObject):
    """Attests the session's pending items: network in the pool, storing on the writer."""

    # The outcome of each attempt (on the GUI thread); tests and the status bar follow it.
    attempted = Signal(object)

    def __init__(
        self, session: CaseSession, parent: QObject | None = None, *, backoff: Backoff | None = None
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.backoff = backoff or Backoff()
        self.running = False
        self._stopped = False
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(SETTLE_MS)
        self._settle.timeout.connect(self.attest_now)
        self._retry = QTimer(self)
        self._retry.setSingleShot(True)
        self._retry.timeout.connect(self.attest_now)
        session.changed.connect(self._case_changed)
        self.request()  # items left pending by an earlier session

    @property
    def waiting_to_retry(self) -> bool:
        return self._retry.isActive()

    def request(self) -> None:
        """Attest soon, unless an attempt is running or a backoff retry is already set."""
        if self._stopped or self.running or self._retry.isActive():
            return
        self._settle.start()

    def _case_changed(self, _ids: object) -> None:
        # Our own attempt announces a change too; that one must not start the next attempt.
        if not self.running:
            self.request()

    def attest_now(self) -> bool:
        """Start an attempt now if there is anything to attest and a TSA to ask."""
        session = self.session
        if self._stopped or self.running or session.closed or session.read_only:
            return False
        urls = tsa_urls()  # the settings file or PROOFSHOT_TSA_URLS; cheap, no keyring
        if not urls:
            return False
        pending = attest.pending_items(session.view, limit=attest.MAX_ITEMS_PER_TOKEN)
        if not pending:
            return False
        self._retry.stop()
        self.running = True
        batch = PendingBatch(
            item_ids=[item_id for item_id, _ in pending],
            manifest=attest.items_manifest(pending),
            anchors=attest.trust_anchors(session.view),
        )
        session.pool.run(
            lambda: _ask_tsas(batch, urls), self._answered, self._failed, title="ask TSA"
        )
        return True

    def _answered(self, batch: PendingBatch) -> None:
        if self.session.closed:
            self.running = False
            return
        self.session.write(
            lambda case: attest.store_batch(case, batch),
            self._finished,
            self._failed,
            title="attest",
        )

    def _finished(self, outcome: AttestOutcome) -> None:
        self.running = False
        failed = bool(outcome.failures) and not outcome.tokens
        delay = self.backoff.record(not failed)
        self.attempted.emit(outcome)
        if self._stopped:
            return
        if failed:
            self._retry.start(int(delay * 1000))
        elif outcome.pending and outcome.attested_items:  # more arrived meanwhile
            self.request()

    def _failed(self, exc: BaseException) -> None:
        # Not a TSA refusal (those are logged) but e.g. a closed case or an unusable keyring.
        self.running = False
        delay = self.backoff.record(False)
        self.attempted.emit(exc)
        if not self._stopped and not self.session.closed:
            self._retry.start(int(delay * 1000))

    def stop(self) -> None:
        """No further attempts (the window is closing); a running one ends with the session."""
        self._stopped = True
        self._settle.stop()
        self._retry.stop()
