"""Render benchmark figures as Markdown tables and check that every backend agreed."""

from collections.abc import Sequence


def render(figures: Sequence[dict[str, object]]) -> tuple[str, bool]:
    lines: list[str] = []
    agreed = True
    for fig in figures:
        lines += [f"\n### scale {fig['scale']:g} ({fig['date']})\n"]
        lines += [
            "| audience | backend | results | cold ms | warm ms | RSS MiB, one run | "
            "RSS MiB, all runs | x pandas cold | x pandas warm |"
        ]
        lines += ["|---|---|---:|---:|---:|---:|---:|---:|---:|"]
        audiences = fig["audiences"]
        assert isinstance(audiences, dict)
        for name, rows in audiences.items():
            agreed &= len({r["digest"] for r in rows}) == 1
            lines += _audience_rows(name, rows)
        lines += _snapshot_rows(fig.get("snapshot"))
    lines.append("\nall backends agree: " + ("yes" if agreed else "NO"))
    return "\n".join(lines), agreed


def _audience_rows(name: str, rows: list[dict[str, object]]) -> list[str]:
    pandas = next((r for r in rows if r["backend"] == "pandas"), None)
    out = []
    for r in rows:
        warm = _warm(r)
        ratios = ["", ""]
        if pandas is not None and r is not pandas:
            ratios = [f"{float(pandas['cold_ms']) / warm:.0f}x", f"{_warm(pandas) / warm:.0f}x"]  # type: ignore[arg-type]
        one_run = r["one_run_rss_mib"]
        out.append(
            f"| {name} | {r['backend']} | {r['results']} | {r['cold_ms']:.0f} | "
            f"{warm:.0f} | {one_run:.0f} | {r['peak_rss_mib']:.0f} | {' | '.join(ratios)} |"
        )
    return out


def _warm(r: dict[str, object]) -> float:
    """The warm median, or the cold time when there was only one run."""
    return float(r["warm_ms"] if r["warm_ms"] is not None else r["cold_ms"])  # type: ignore[arg-type]


def _snapshot_rows(snap: object) -> list[str]:
    if not isinstance(snap, dict):
        return []
    lines = ["", "| snapshot operation | figure |", "|---|---:|"]
    lines += [f"| {k} | {v} |" for k, v in snap.items()]
    return lines
