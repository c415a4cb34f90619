"""A local stand-in for the Yandex Disk public-resources API and its file server (127.0.0.1).

`FakeDisk.api_url` answers `?public_key=...&path=/NAME` with JSON `{"href": ...}` pointing back
to this server; `/files/NAME` serves `payload`, honouring `Range: bytes=N-` unless told not to.
Every request is recorded (path, query, headers) so tests can check what the client sent.
"""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Request:
    path: str
    query: dict[str, str]
    headers: dict[str, str]


@dataclass
class FakeDisk:
    payload: bytes = b""
    honor_range: bool = True
    api_status: int = 200
    file_status: int = 200
    api_delay_s: float = 0.0
    # send the full Content-Length but close the connection after this many body bytes
    cut_after: int | None = None
    port: int = 0
    requests: list[Request] = field(default_factory=list)
    sent_bytes: int = 0  # file body bytes sent, over all requests

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1/disk/public/resources/download"

    def file_requests(self) -> list[Request]:
        return [r for r in self.requests if r.path.startswith("/files/")]


def _handler(disk: FakeDisk) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format, *args):  # noqa: A002
            pass

        def do_GET(self):  # noqa: N802
            url = urllib.parse.urlsplit(self.path)
            query = dict(urllib.parse.parse_qsl(url.query))
            disk.requests.append(Request(url.path, query, dict(self.headers.items())))
            if url.path.startswith("/v1/"):
                self._api(query)
            elif url.path.startswith("/files/"):
                self._file()
            else:
                self._reply(404, b"not found")

        def _reply(self, status: int, body: bytes, headers: dict[str, str] | None = None):
            self.send_response(status)
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _api(self, query: dict[str, str]):
            time.sleep(disk.api_delay_s)
            if disk.api_status != 200:
                self._reply(disk.api_status, b'{"error": "DiskNotFoundError"}')
                return
            name = query.get("path", "/missing").lstrip("/")
            href = f"http://127.0.0.1:{disk.port}/files/{name}"
            self._reply(200, json.dumps({"href": href}).encode(), {"Content-Type": "text/json"})

        def _file(self):
            if disk.file_status != 200:
                self._reply(disk.file_status, b"error")
                return
            size = len(disk.payload)
            start = 0
            status = 200
            headers = {"Content-Type": "application/octet-stream"}
            requested = self.headers.get("Range", "")
            if disk.honor_range and requested.startswith("bytes="):
                start = int(requested[len("bytes=") :].split("-")[0])
                if start >= size:
                    self._reply(416, b"", {"Content-Range": f"bytes */{size}"})
                    return
                status = 206
                headers["Content-Range"] = f"bytes {start}-{size - 1}/{size}"
            body = disk.payload[start:]
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if disk.cut_after is not None:
                disk.sent_bytes += len(body[: disk.cut_after])
                self.wfile.write(body[: disk.cut_after])
                self.wfile.flush()
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            disk.sent_bytes += len(body)
            self.wfile.write(body)

    return Handler


@contextmanager
def serve(disk: FakeDisk) -> Iterator[FakeDisk]:
    """Run `disk` on 127.0.0.1 (a free port) in a background thread."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(disk))
    server.daemon_threads = True
    disk.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield disk
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def closed_port_url() -> str:
    """An API URL on 127.0.0.1 where nothing listens: connecting is refused, as when offline."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1/disk/public/resources/download"
