"""A lean HTTP/1.1 keep-alive connection on asyncio streams, for the load loops of api_load.

On a small machine a general client (httpx) spends more CPU parsing a 150 KB page than the server
spends serving it, and then the load generator is what gets measured.
"""

import asyncio
from urllib.parse import urlsplit


class HttpLoopError(RuntimeError):
    """The server answered in a way this client does not read (no Content-Length, say)."""


class Connection:
    """One keep-alive connection; requests on it are sent one at a time."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader = reader
        self._writer = writer

    @classmethod
    async def open(cls, url: str) -> "Connection":
        parts = urlsplit(url)
        reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
        return cls(reader, writer)

    async def request(
        self, method: str, target: str, headers: dict[str, str], body: bytes = b""
    ) -> tuple[int, bytes]:
        """(status, body) of one request; the body is read whole."""
        lines = [f"{method} {target} HTTP/1.1", "host: load", f"content-length: {len(body)}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        self._writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        head = await self._reader.readuntil(b"\r\n\r\n")
        status, length = _parse_head(head)
        return status, await self._reader.readexactly(length)

    async def close(self) -> None:
        self._writer.close()
        await self._writer.wait_closed()


def _parse_head(head: bytes) -> tuple[int, int]:
    """The status and Content-Length of a response head."""
    status_line, *fields = head.decode("latin-1").split("\r\n")
    for field in fields:
        name, _, value = field.partition(":")
        if name.strip().lower() == "content-length":
            return int(status_line.split()[1]), int(value)
    raise HttpLoopError(f"a response without Content-Length: {status_line}")
