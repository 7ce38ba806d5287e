"""The report: results.json (every figure, plus a flat `figures` table that `intent bench compare`
reads), PNG plots and report.md, which states the machine and how to reproduce it."""

import json
from pathlib import Path
from typing import Any, Final

from benchmarks.figures import fmt, growth_exponent
from benchmarks.plots import SCALING_SHAPES, TOOLS, write_plots

WHOLE: Final = ("intent run", "polars peer", "duckdb peer")
# Issue 10's targets: `intent run` against the Polars peer, both whole processes.
TARGETS: Final = ((10.0, "selective", 1.3), (1.0, "selective", 1.5), (10.0, "no_filters", 1.3))
BUSY_LOAD_PER_CORE: Final = 0.3


def write_report(directory: Path, results: dict[str, Any]) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    results["figures"] = flat_figures(results)
    plots = write_plots(directory, results)
    (directory / "results.json").write_text(json.dumps(results, indent=2))
    (directory / "report.md").write_text(render(results, plots))


def flat_figures(results: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Name -> {median, low, high, n, better}: the figures two reports are compared on."""
    out: dict[str, dict[str, Any]] = {}
    for scale in results["scales"]:
        for name, audience in scale["audiences"].items():
            for tool, figure in audience["tools"].items():
                prefix = f"scale {scale['scale']:g} {name} {tool}"
                out[f"{prefix} seconds"] = figure["seconds"] | {"better": "lower"}
                if figure["rss_mib"] is not None:
                    out[f"{prefix} peak RSS MiB"] = figure["rss_mib"] | {"better": "lower"}
    api = results.get("api")
    if api:
        for clients, page in api["pages"].items():
            for key in ("p50_ms", "p99_ms"):
                out[f"api page {key} at {clients} clients"] = _single(page[key], "lower")
        for key in ("p50", "p99"):
            out[f"api POST run to completed {key} ms"] = _single(
                api["post_to_completed_ms"][key], "lower"
            )
        out["api runs per minute"] = _single(api["runs_per_minute"], "higher")
        out["api CSV export MB/s"] = api["export_csv_mb_s"] | {"better": "higher"}
    return out


def _single(value: float, better: str) -> dict[str, Any]:
    return {"median": value, "low": value, "high": value, "n": 1, "better": better}


def render(results: dict[str, Any], plots: dict[str, str]) -> str:
    lines = ["# Benchmark report", ""]
    lines += _machine(results)
    if results["scales"]:
        lines += _headline(results["scales"][-1])
        lines += _targets(results)
        lines += _agreement(results)
        lines += _scaling(results)
        for scale in results["scales"]:
            lines += _details(scale)
    lines += _api(results.get("api"))
    lines += ["## Plots", ""]
    lines += [f"![{title}]({name})" for title, name in plots.items()]
    lines += ["", *_reproduce(results)]
    return "\n".join(lines) + "\n"


def _machine(results: dict[str, Any]) -> list[str]:
    m = results["machine"]
    v = m["versions"]
    load = m["load_average_at_start"][0]
    busy = load > BUSY_LOAD_PER_CORE * (m["cores"] or 1)
    lines = [
        f"Measured {results['started']} in {results['duration_s'] / 60:.1f} minutes"
        f"{' (quick mode: tiny scales, one repeat)' if results['quick'] else ''}.",
        "",
        f"- Machine: {m['cpu']}, {m['cores']} cores, {m['ram_gib']} GiB RAM "
        f"({m['available_gib_at_start']} GiB available at start), {m['os']}",
        f"- Python {m['python']}, DuckDB {v['duckdb']}, Polars {v['polars']}, "
        f"pyarrow {v['pyarrow']}, numpy {v['numpy']}, pandas {v['pandas'] or 'not installed'}",
        f"- Load average at start: {' / '.join(map(str, m['load_average_at_start']))}"
        + (" — the machine was shared with other work: figures are noisy." if busy else ""),
        f"- Each figure is the median of {results['repeat']} runs with its range "
        "(lowest-highest); ratios compare figures taken in this same sitting, interleaved.",
        "- Whole processes (`intent run`, the peers) include interpreter start-up and imports; "
        "`engine ...` is `materialize()` in a warm process.",
    ]
    if results.get("pandas"):
        lines.append(f"- {results['pandas']}")
    for skipped in results["skipped"]:
        lines.append(f"- Scale {skipped['scale']:g} skipped: {skipped['reason']}.")
    if "scale30" in results:
        room = results["scale30"] or "memory and disk would allow it"
        lines.append(
            f"- Scale 30 not requested (it would not fit the 25-minute budget on 2 cores: "
            f"`--scales 1,3,10,30` adds it); room check: {room}."
        )
    return [*lines, ""]


def _headline(scale: dict[str, Any]) -> list[str]:
    lines = [
        f"## Headline: scale {scale['scale']:g} ({scale['intent_rows']:,} intent rows), seconds",
        "",
        "| audience | results | `intent run` | Polars peer | DuckDB peer | `intent run` / "
        "Polars peer | engine in process (Polars) | agree |",
        "|---|---:|---:|---:|---:|---:|---:|:-:|",
    ]
    for name, audience in scale["audiences"].items():
        tools = audience["tools"]
        lines.append(
            f"| {name} | {tools['intent run']['results']:,} | "
            f"{fmt(tools['intent run']['seconds'])} | {fmt(tools['polars peer']['seconds'])} | "
            f"{fmt(tools['duckdb peer']['seconds'])} | {_ratio(tools, 'polars peer')} | "
            f"{fmt(tools.get('engine polars', {}).get('seconds'), 3)} | "
            f"{'yes' if audience['agree'] else 'NO'} |"
        )
    return [*lines, ""]


def _ratio(tools: dict[str, Any], peer: str) -> str:
    return f"{tools['intent run']['seconds']['median'] / tools[peer]['seconds']['median']:.2f}x"


def _targets(results: dict[str, Any]) -> list[str]:
    by_scale = {s["scale"]: s for s in results["scales"]}
    rows = []
    for scale, shape, limit in TARGETS:
        tools = by_scale.get(scale, {}).get("audiences", {}).get(shape, {}).get("tools")
        if not tools:
            continue
        ratio = tools["intent run"]["seconds"]["median"] / tools["polars peer"]["seconds"]["median"]
        rows.append(
            f"| scale {scale:g} {shape} | {ratio:.2f}x | <= {limit}x | "
            f"{'yes' if ratio <= limit else 'no'} |"
        )
    if not rows:
        return []
    head = ["## Targets: `intent run` / Polars peer, whole processes", ""]
    return [*head, "| case | ratio | target | met |", "|---|---:|---:|:-:|", *rows, ""]


def _agreement(results: dict[str, Any]) -> list[str]:
    lines = [
        "## Agreement",
        "",
        "Result counts of every tool; `same ranked ids` compares the SHA-256 of the person ids "
        "in rank order across all of them.",
        "",
        "| scale | audience | results per tool | same ranked ids |",
        "|---:|---|---|:-:|",
    ]
    for scale in results["scales"]:
        for name, audience in scale["audiences"].items():
            counts = ", ".join(f"{t} {f['results']:,}" for t, f in audience["tools"].items())
            mark = "yes" if audience["agree"] else "NO"
            lines.append(f"| {scale['scale']:g} | {name} | {counts} | {mark} |")
    return [*lines, ""]


def _scaling(results: dict[str, Any]) -> list[str]:
    scales = results["scales"]
    if len(scales) < 2:
        return []
    rows = [s["intent_rows"] for s in scales]
    listed = ", ".join(f"{s['scale']:g}" for s in scales)
    lines = [
        "## Scaling",
        "",
        f"Growth exponent k of a fit y ~ (intent rows)^k over scales {listed} (k = 1: linear).",
        "",
        "| audience | tool | time k | peak RSS k |",
        "|---|---|---:|---:|",
    ]
    for shape in SCALING_SHAPES:
        for tool in TOOLS:
            time_k = _exponent(scales, rows, shape, tool, "seconds")
            rss_k = _exponent(scales, rows, shape, tool, "rss_mib")
            if time_k != "-":
                lines.append(f"| {shape} | {tool} | {time_k} | {rss_k} |")
    return [*lines, ""]


def _exponent(
    scales: list[dict[str, Any]], rows: list[int], shape: str, tool: str, key: str
) -> str:
    ys = []
    for scale in scales:
        figure = scale["audiences"].get(shape, {}).get("tools", {}).get(tool)
        if figure is None or figure.get(key) is None:
            return "-"
        ys.append(figure[key]["median"])
    k = growth_exponent(rows, ys)
    return "-" if k is None else f"{k:.2f}"


def _details(scale: dict[str, Any]) -> list[str]:
    lines = [
        f"## Scale {scale['scale']:g}: {scale['intent_rows']:,} intent rows on {scale['date']}",
        "",
        "| audience | tool | results | seconds | peak RSS MiB |",
        "|---|---|---:|---:|---:|",
    ]
    for name, audience in scale["audiences"].items():
        for tool, figure in audience["tools"].items():
            lines.append(
                f"| {name} | {tool} | {figure['results']:,} | {fmt(figure['seconds'], 3)} | "
                f"{fmt(figure['rss_mib'], 0)} |"
            )
    return [*lines, ""]


def _api(api: dict[str, Any] | None) -> list[str]:
    if not api:
        return []
    post = api["post_to_completed_ms"]
    lines = [
        "## API (embedded server: SQLite, in-process worker)",
        "",
        f"Pages of {api['page_rows']} rows at random offsets of a {api['results_of_paged_run']:,}"
        f"-row run, each client requesting back to back for {api['page_seconds_per_level']:g} s.",
        "",
        "| clients | p50 ms | p99 ms | requests | errors |",
        "|---:|---:|---:|---:|---:|",
    ]
    for clients, page in api["pages"].items():
        lines.append(
            f"| {clients} | {page['p50_ms']:.1f} | {page['p99_ms']:.1f} | {page['requests']} | "
            f"{page['errors']} |"
        )
    lines += [
        "",
        "| figure | value |",
        "|---|---:|",
        f"| POST run to completed, selective audience, p50 / p99 ms ({post['n']} runs) | "
        f"{post['p50']:.0f} / {post['p99']:.0f} |",
        f"| runs completed per minute, embedded worker (selective) | "
        f"{api['runs_per_minute']:.1f} |",
        f"| CSV export MB/s ({api['export_csv_mb']:.0f} MB, {api['export_rows']:,} rows) | "
        f"{fmt(api['export_csv_mb_s'], 0)} |",
        "",
    ]
    return lines


def _reproduce(results: dict[str, Any]) -> list[str]:
    scales = ",".join(f"{s['scale']:g}" for s in results["scales"])
    command = (
        "intent bench --quick --report DIR"
        if results["quick"]
        else (f"intent bench --scales {scales} --data-dir DATA --report DIR")
    )
    return [
        "## Reproduce",
        "",
        f"`{command}` (datasets missing under DATA are generated, seed 42, ending 2026-11-27). "
        "The peers are `benchmarks/peers/duckdb_query.py` and `benchmarks/peers/polars_query.py`; "
        "`intent bench compare OLD/results.json NEW/results.json` lists figures 10% or more worse.",
    ]
