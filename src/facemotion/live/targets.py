"""Where live values go: `livelink://HOST[:PORT]` and `vmc://HOST[:PORT]` URLs."""

from __future__ import annotations

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
