"""A long job run off the window's writer thread that still writes through it.

A campaign run or an export waits on the network (AI services, timestamp authorities) for
seconds or minutes. Run as one job on the session's single writer thread, every edit made
meanwhile (a tag, a note) would queue behind those waits. Instead the job runs in the
session's worker pool and hands each short read or write of the case to the writer with
:func:`writer_call`: the writer is held for milliseconds at a time, so an edit made while a
TSA hangs is stored at once.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from app.capture.writer import CaseWriterClosedError
from app.core.attest import WriterCall
from app.core.case import Case
from app.gui.browser.access import AccessWriter, GuiRelay
from app.gui.session import CaseSession

POLL_S = 0.25  # how often a waiting job looks whether the window closed the case


def writer_call(session: CaseSession) -> WriterCall:
    """``call(fn)``: run ``fn(case)`` on the session's writer and wait for its result.

    Call it on the GUI thread (the relay it creates lives there); use the returned callable
    from any other thread, never from the GUI thread itself (it would wait on itself). A
    closed session ends the wait with :class:`~app.capture.writer.CaseWriterClosedError`.
    """
    writer = AccessWriter(session, GuiRelay(session))

    def call(fn: Callable[[Case], Any]) -> Any:
        future = writer.submit(fn)
        while True:
            try:
                return future.result(timeout=POLL_S)
            except FutureTimeout:
                if session.closed:
                    raise CaseWriterClosedError("The case was closed during the job.") from None

    return call
