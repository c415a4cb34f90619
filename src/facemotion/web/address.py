"""Whether the web app can listen where it was asked to, checked before anything starts."""

from __future__ import annotations

import errno
import socket

from facemotion.errors import InputError, Remedy


def check_address(host: str, port: int) -> None:
    """InputError (naming the host or the port) unless a server can bind `host`:`port` now."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError) as exc:
        raise InputError(
            f"cannot listen on host {host!r}: not an address or name of this machine",
            Remedy("host", "127.0.0.1"),
        ) from exc
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        # what uvicorn sets too, so a port in TIME_WAIT after a restart is not "busy"
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            raise address_error(host, port, exc) from exc


def address_error(host: str, port: int, exc: OSError) -> InputError:
    """The one-line error for a failed bind (in use, not allowed, not an address here)."""
    # errno None: Gradio's own "cannot find empty port", which it raises for a busy port
    if exc.errno in (errno.EADDRINUSE, None):
        return InputError(
            f"port {port} on {host} is in use by another program", Remedy("port", port + 1)
        )
    if exc.errno == errno.EACCES:
        return InputError(
            f"port {port} needs administrator rights on this machine", Remedy("port", 7860)
        )
    return InputError(
        f"cannot listen on {host} port {port}: {exc.strerror or exc}", Remedy("host", "127.0.0.1")
    )
