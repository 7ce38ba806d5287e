"""The report's plots, each a PNG file drawn by matplotlib's Agg renderer (no display needed:
figures are made with `Figure`, not pyplot, so no global backend is chosen)."""

from pathlib import Path
from typing import Any, Final

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from benchmarks.figures import growth_exponent

DPI: Final = 100
SIZE: Final = (8.0, 4.5)
TOOLS: Final = (
    "intent run",
    "polars peer",
    "duckdb peer",
    "engine polars",
    "engine duckdb",
    "naive pandas",
)
SCALING_SHAPES: Final = ("selective", "no_filters")


def write_plots(directory: Path, results: dict[str, Any]) -> dict[str, str]:
    """Title -> file name of every plot written into `directory`."""
    plots = {
        "Engine against peers": ("engine_vs_peers.png", _engine_vs_peers),
        "Scaling: time": ("scaling_time.png", lambda ax, r: _scaling(ax, r, "seconds", "s")),
        "Scaling: peak RSS": (
            "scaling_memory.png",
            lambda ax, r: _scaling(ax, r, "rss_mib", "MiB"),
        ),
        "API: result-page latency against clients": ("api_latency.png", _api_latency),
    }
    written = {}
    for title, (name, draw) in plots.items():
        fig = Figure(figsize=SIZE, dpi=DPI)
        FigureCanvasAgg(fig)
        ax = fig.subplots()
        if draw(ax, results) is False:
            ax.text(0.5, 0.5, "not measured", ha="center", va="center", transform=ax.transAxes)
        ax.set_title(title)
        fig.tight_layout()
        fig.savefig(directory / name)
        written[title] = name
    return written


def _engine_vs_peers(ax: Any, results: dict[str, Any]) -> bool:
    if not results["scales"]:
        return False
    largest = results["scales"][-1]
    names = list(largest["audiences"])
    tools = [t for t in TOOLS if any(t in a["tools"] for a in largest["audiences"].values())]
    width = 0.8 / len(tools)
    for i, tool in enumerate(tools):
        xs: list[float] = []
        ys: list[float] = []
        errors: list[list[float]] = [[], []]
        for j, name in enumerate(names):
            figure = largest["audiences"][name]["tools"].get(tool)
            if figure is None:
                continue
            s = figure["seconds"]
            xs.append(j + i * width)
            ys.append(s["median"])
            errors[0].append(s["median"] - s["low"])
            errors[1].append(s["high"] - s["median"])
        ax.bar(xs, ys, width, yerr=errors, label=tool, capsize=2)
    ax.set_xticks([j + 0.4 - width / 2 for j in range(len(names))], names)
    ax.set_yscale("log")
    ax.set_ylabel(f"seconds (median, range), scale {largest['scale']:g}")
    ax.legend(fontsize="small", ncols=2)
    return True


def _scaling(ax: Any, results: dict[str, Any], key: str, unit: str) -> bool:
    scales = results["scales"]
    if len(scales) < 2:
        return False
    rows = [s["intent_rows"] for s in scales]
    for shape, style in zip(SCALING_SHAPES, ("-", "--"), strict=True):
        for tool in TOOLS[:3] if key == "rss_mib" else TOOLS[:5]:
            ys = [_median(s, shape, tool, key) for s in scales]
            if any(y is None for y in ys):
                continue
            exponent = growth_exponent(rows, ys)  # type: ignore[arg-type]
            label = f"{tool}, {shape} (x^{exponent:.2f})" if exponent is not None else tool
            ax.plot(rows, ys, style, marker="o", label=label)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("intent rows of the data date")
    ax.set_ylabel(f"{'peak RSS' if key == 'rss_mib' else 'time'} ({unit}), median")
    ax.legend(fontsize="x-small", ncols=2)
    return True


def _median(scale: dict[str, Any], shape: str, tool: str, key: str) -> float | None:
    figure = scale["audiences"].get(shape, {}).get("tools", {}).get(tool)
    if figure is None or figure.get(key) is None:
        return None
    return float(figure[key]["median"])


def _api_latency(ax: Any, results: dict[str, Any]) -> bool:
    api = results.get("api")
    if not api:
        return False
    clients = [int(c) for c in api["pages"]]
    for key in ("p50_ms", "p99_ms"):
        ax.plot(clients, [api["pages"][str(c)][key] for c in clients], marker="o", label=key)
    ax.set_xscale("log", base=2)
    ax.set_xticks(clients, [str(c) for c in clients])
    ax.set_xlabel("concurrent clients (no pause between requests)")
    ax.set_ylabel(f"ms per page of {api['page_rows']} rows")
    ax.legend()
    return True
