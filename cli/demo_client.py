"""The demo's HTTP client: the calls an API client makes, decoded into the API's wire types.

Any answer other than the expected status becomes a CliError that names the call and the
error code and message the server gave.
"""

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final, TypeVar

import httpx
import msgspec

from api.wire.audiences import AudienceEnvelope, AudienceOut
from api.wire.exports import ExportEnvelope, ExportLink
from api.wire.results import ResultRow, ResultsEnvelope, Stats, StatsEnvelope
from api.wire.runs import RunEnvelope
from cli.errors import CliError
from jobs.wire import RunOut

T = TypeVar("T")
BASE_PATH: Final = "/v1/intent"
POLL_SECONDS: Final = 0.1
FINISHED: Final = ("completed", "failed", "cancelled")


class DemoClient:
    def __init__(self, base_url: str, api_key: str, *, timeout: float = 30.0) -> None:
        self._http = httpx.Client(
            base_url=base_url + BASE_PATH, headers={"x-api-key": api_key}, timeout=timeout
        )

    def close(self) -> None:
        self._http.close()

    def create_audience(self, name: str, config: dict[str, Any]) -> AudienceOut:
        body = {"name": name, "config": config}
        reply = self._http.post("/audiences", json=body)
        return _decode(reply, 201, AudienceEnvelope, "create the audience").data

    def queue_run(self, audience_id: str) -> RunOut:
        reply = self._http.post(f"/audiences/{audience_id}/runs", json={"runType": "manual"})
        return _decode(reply, 202, RunEnvelope, "queue a run").data

    def get_run(self, run: RunOut) -> RunOut:
        reply = self._http.get(_run_path(run))
        return _decode(reply, 200, RunEnvelope, "read the run").data

    def wait_for_run(
        self, run: RunOut, on_status: Callable[[RunOut], None], timeout: float
    ) -> RunOut:
        """Poll until the run is finished; `on_status` sees each new status."""
        deadline = time.monotonic() + timeout
        on_status(run)
        while run.status not in FINISHED:
            if time.monotonic() > deadline:
                raise CliError(f"run {run.id} is still {run.status} after {timeout:g} s", 1)
            time.sleep(POLL_SECONDS)
            seen, run = run.status, self.get_run(run)
            if run.status != seen:
                on_status(run)
        return run

    def stats(self, run: RunOut) -> Stats:
        reply = self._http.get(_run_path(run) + "/stats")
        return _decode(reply, 200, StatsEnvelope, "read the stats").data.stats

    def results(self, run: RunOut, limit: int) -> list[ResultRow]:
        reply = self._http.get(_run_path(run) + "/results", params={"limit": limit})
        return _decode(reply, 200, ResultsEnvelope, "read the results").data.results

    def stored_export(self, run: RunOut, fmt: str, timeout: float = 120.0) -> ExportLink:
        """The run's completed export in `fmt`: asked for (a worker builds it), then polled."""
        reply = self._http.post(_run_path(run) + "/exports", json={"format": fmt})
        link = _decode(reply, (200, 202), ExportEnvelope, f"export {fmt}").data
        path = _run_path(run) + f"/exports/{link.export.id}"
        deadline = time.monotonic() + timeout
        while link.export.status == "processing":
            if time.monotonic() > deadline:
                raise CliError(f"export {fmt} is still processing after {timeout:g} s", 1)
            time.sleep(POLL_SECONDS)
            link = _decode(self._http.get(path), 200, ExportEnvelope, f"read export {fmt}").data
        if link.export.status != "completed":
            reason = f"{link.export.error_code}: {link.export.error_message}"
            raise CliError(f"export {fmt} failed: {reason}", exit_code=1)
        return link

    def download(self, link: ExportLink, path: Path) -> Path:
        """The export's file, fetched by its signed URL (no key), written to `path`."""
        path.parent.mkdir(parents=True, exist_ok=True)
        with httpx.stream("GET", link.download_url, timeout=self._http.timeout) as reply:
            _expect(reply, (200,), "download the export")
            with path.open("wb") as out:
                for chunk in reply.iter_bytes():
                    out.write(chunk)
        return path


def _run_path(run: RunOut) -> str:
    return f"/audiences/{run.audience_id}/runs/{run.id}"


def _decode(reply: httpx.Response, status: int | tuple[int, ...], kind: type[T], what: str) -> T:
    _expect(reply, status if isinstance(status, tuple) else (status,), what)
    return msgspec.json.decode(reply.content, type=kind)


def _expect(reply: httpx.Response, statuses: tuple[int, ...], what: str) -> None:
    if reply.status_code in statuses:
        return
    reply.read()
    try:
        error = reply.json()["error"]
        reason = f"{error['code']}: {error['message']}"
    except (ValueError, KeyError, TypeError):
        reason = reply.text[:200]
    raise CliError(f"could not {what}: HTTP {reply.status_code} {reason}", exit_code=1)
