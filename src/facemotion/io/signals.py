"""One signal policy for every job: SIGINT and SIGTERM stop it the same way, and clean-up that
has started runs to its end.

`install()` (the CLI calls it) makes SIGTERM, as sent by `kill`, `timeout`, systemd and
container stops, raise `Stopped`, a KeyboardInterrupt, so every `finally` and every
`except BaseException` that removes a temporary output runs as it does for Ctrl-C. `shielded()`
holds SIGINT and SIGTERM back while it is open (removing temporaries, renaming a set of outputs
into place) and delivers the first held one when it closes, so a second Ctrl-C cannot leave a
half-deleted temporary folder or half of a set of outputs.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator

SIGNALS = (signal.SIGINT, signal.SIGTERM)
RESEND_DELAY_S = 0.05


class Stopped(KeyboardInterrupt):
    """A stop signal arrived; `signum` says which (exit status 128 + signum)."""

    def __init__(self, signum: int = signal.SIGINT) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = int(signum)


def signal_number(exc: KeyboardInterrupt) -> int:
    """SIGTERM for a `Stopped` from SIGTERM; SIGINT for any other KeyboardInterrupt."""
    return exc.signum if isinstance(exc, Stopped) else int(signal.SIGINT)


def _raise_stopped(signum: int, frame) -> None:
    raise Stopped(signum)


def _redeliver_hook(previous: Callable) -> Callable:
    """An unraisablehook that sends a swallowed `Stopped` again. A signal that lands while
    Python runs a weakref callback or a __del__ raises there, where the exception is printed
    and dropped (seen: a capture stopped by SIGTERM then finished and exited 0); sending the
    signal anew delivers it in ordinary code."""

    def hook(unraisable) -> None:
        if isinstance(unraisable.exc_value, Stopped):
            # From another thread, a moment later: a signal raised now would be handled inside
            # this hook, where it would be dropped again.
            resend = threading.Timer(
                RESEND_DELAY_S, os.kill, args=(os.getpid(), unraisable.exc_value.signum)
            )
            resend.daemon = True
            resend.start()
            return
        previous(unraisable)

    return hook


def _in_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


@contextlib.contextmanager
def installed(*, exiting: bool = False) -> Iterator[None]:
    """SIGINT and SIGTERM raise `Stopped` inside the block; the previous handlers come back
    after it. exiting: the process ends after the block (the CLI's own process), so once a
    stop signal has ended the block, further ones are ignored rather than let kill it on its
    way out with a status other than 130 / 143. Does nothing outside the main thread (where
    Python delivers no signal)."""
    if not _in_main_thread():
        yield
        return
    previous = {sig: signal.signal(sig, _raise_stopped) for sig in SIGNALS}
    previous_hook = sys.unraisablehook
    sys.unraisablehook = _redeliver_hook(previous_hook)
    stopped = False
    try:
        yield
    except KeyboardInterrupt:
        stopped = True
        raise
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, signal.SIG_IGN if stopped and exiting else handler)
        sys.unraisablehook = previous_hook


@contextlib.contextmanager
def shielded() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back inside the block; the first that arrived is re-sent to the
    process's own handler when the block ends (so it still stops the job, after clean-up)."""
    if not _in_main_thread():
        yield
        return
    held: list[int] = []

    def hold(signum: int, frame) -> None:
        held.append(signum)

    previous: dict[int, Callable | int | None] = {}
    try:
        for sig in SIGNALS:
            previous[sig] = signal.signal(sig, hold)
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if held:
            signal.raise_signal(held[0])
