"""A local web server for the analyze tests: a CRM product page, a 10 MB page, an image and
redirect chains, on 127.0.0.1 and an ephemeral port."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Final

CRM_PAGE: Final = b"""<!doctype html><html><head>
<title>Acme CRM | CRM software for growing sales teams</title>
<meta property="og:site_name" content="Acme CRM">
<meta name="description" content="Acme is CRM software that helps sales teams close deals.">
<meta name="keywords" content="crm, crm software, sales pipeline">
<style>.kubernetes { color: red }</style></head>
<body><h1>The CRM software your team will love</h1>
<h2>Pipeline, contacts and pricing in one CRM</h2>
<p>Track every deal in your sales pipeline. Our CRM software keeps contacts in one place.</p>
<script>var topic = "running shoes kubernetes security";</script>
</body></html>"""
HUGE_BYTES: Final = 10 * 1024 * 1024


class _Pages(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/crm":
            self._send(200, "text/html; charset=utf-8", CRM_PAGE)
        elif self.path == "/notes.txt":
            self._send(200, "text/plain", b"kubernetes security for clusters")
        elif self.path == "/image.png":
            self._send(200, "image/png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
        elif self.path == "/huge":
            self._huge()
        elif self.path.startswith("/hops/"):
            left = int(self.path.rsplit("/", 1)[1])
            target = "/crm" if left == 0 else f"/hops/{left - 1}"
            self.send_response(302)
            self.send_header("Location", target)
            self.send_header("Content-Length", "0")
            self.end_headers()
        else:
            self._send(404, "text/plain", b"no such page")

    def _send(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _huge(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(HUGE_BYTES))
        self.end_headers()
        block = b"<p>crm software " + b"x" * 1000 + b"</p>\n"
        try:
            for _ in range(HUGE_BYTES // len(block)):
                self.wfile.write(block)
            self.wfile.write(b" " * (HUGE_BYTES % len(block)))
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped reading at its cap

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serving() -> Iterator[str]:
    """The base URL of a server running until the block ends."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Pages)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
