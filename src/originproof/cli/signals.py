"""Let a terminated CLI command unwind like an interrupted one.

SIGTERM's default action ends the process on the spot: no `finally`, no context manager, so an
expanded zip stays in the temporary folder and reader processes are left to the kernel. Turning it
into KeyboardInterrupt (what SIGINT already raises) runs the same cleanup for both.
"""
from __future__ import annotations

import signal
import threading


class Terminated(KeyboardInterrupt):
    """SIGTERM received."""


def _raise_terminated(signum, _frame) -> None:
    raise Terminated(f"terminated by signal {signum}")


def unwind_on_sigterm() -> None:
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _raise_terminated)
