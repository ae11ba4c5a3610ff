"""SIGTERM and SIGHUP end a `dojo` command the way Ctrl-C does: through every `finally`, so a grading that is
stopped from outside (an editor stopping the command, a closed terminal, `timeout`) kills what it started and
removes what it wrote before the process exits with 128+N."""

from __future__ import annotations

import signal
from types import FrameType


class Stopped(KeyboardInterrupt):
    """The process was asked to stop by a signal (SIGTERM, SIGHUP)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


received: int | None = None  # the stop signal, once one arrived (a library may turn Stopped into its own exit)


def _raise(signum: int, frame: FrameType | None) -> None:
    global received
    received = signum
    # Ignore the same signal while we clean up: a second SIGTERM must not cut the cleanup short.
    signal.signal(signum, signal.SIG_IGN)
    raise Stopped(signum)


def install() -> None:
    """Turn SIGTERM and SIGHUP into `Stopped` in the main thread (a no-op where a signal is already ignored)."""
    for sig in (signal.SIGTERM, signal.SIGHUP):
        try:
            if signal.getsignal(sig) == signal.SIG_IGN:
                continue  # nohup and friends asked us not to stop: respect that
            signal.signal(sig, _raise)
        except (ValueError, OSError):  # not the main thread, or no such signal here
            pass


def exit_code(exc: KeyboardInterrupt) -> int:
    return exc.exit_code if isinstance(exc, Stopped) else 130


def stopped_code() -> int | None:
    """128+N when a stop signal arrived in this process, else None (click turns any interrupt into exit 130)."""
    return 128 + received if received is not None else None
