"""Where live values go: `livelink://HOST[:PORT]` and `vmc://HOST[:PORT]` URLs."""

from __future__ import annotations

import socket
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

DEFAULT_PORTS = {"livelink": 11111, "vmc": 39539}


@dataclass(frozen=True)
class Target:
    """A UDP destination for one protocol ("livelink" or "vmc")."""

    protocol: str
    host: str
    port: int


def parse_target(text: str) -> Target:
    """`livelink://HOST[:PORT]` or `vmc://HOST[:PORT]` → Target (ValueError with a hint)."""
    parts = urlsplit(text)
    protocol = parts.scheme.lower()
    if protocol not in DEFAULT_PORTS or not parts.hostname:
        raise ValueError(
            f"{text!r}: give livelink://HOST[:PORT] or vmc://HOST[:PORT] "
            "(e.g. livelink://127.0.0.1:11111)"
        )
    try:
        port = parts.port
    except ValueError:
        raise ValueError(f"{text!r}: the port must be a number from 1 to 65535") from None
    return Target(protocol, parts.hostname, port or DEFAULT_PORTS[protocol])


class DatagramSender:
    """A UDP socket to one target that never stops the caller: the first failure (unknown host,
    unreachable network, nobody listening) is reported once through `warn`, later ones are
    counted. Sends go on, so a receiver started later still gets the stream."""

    def __init__(self, target: Target, warn: Callable[[str], None]) -> None:
        self.target = target
        self.sent = 0
        self.failed = 0
        self._warn = warn
        self._warned = False
        self._socket: socket.socket | None = None
        try:
            address = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_DGRAM)[0]
        except (OSError, UnicodeError) as exc:
            self._fail(f"unknown host ({getattr(exc, 'strerror', None) or exc})")
            return
        family, kind, protocol, _, self._address = address
        self._socket = socket.socket(family, kind, protocol)
        self._socket.setblocking(False)
        try:
            # A connected UDP socket reports "nobody listening" (ICMP port unreachable).
            self._socket.connect(self._address)
        except OSError as exc:
            self._fail(str(exc))

    def _fail(self, reason: str) -> None:
        self.failed += 1
        if not self._warned:
            self._warned = True
            self._warn(
                f"warning: cannot send to {self.target.protocol}://{self.target.host}:"
                f"{self.target.port}: {reason}; still running: check the address and that the "
                "receiver is started"
            )

    def send(self, data: bytes) -> None:
        if self._socket is None:
            self.failed += 1
            return
        try:
            self._socket.send(data)
            self.sent += 1
        except BlockingIOError:
            self.failed += 1  # the socket buffer is full: this frame is dropped, not queued
        except OSError as exc:
            self._fail(exc.strerror or str(exc))

    def close(self) -> None:
        if self._socket is not None:
            self._socket.close()
            self._socket = None
