"""The machine a report was measured on, and whether it has room for a scale."""

import os
import platform
import shutil
from importlib import metadata
from pathlib import Path
from typing import Any, Final

GIB: Final = 1 << 30
# Per unit of scale (1 = 1M people, ~10M intent rows a day), with headroom, from the peak RSS of
# the heaviest process of the mix (no_filters) and the size of a generated one-day dataset.
MEMORY_PER_SCALE: Final = 0.4 * GIB
DISK_PER_SCALE: Final = 0.25 * GIB
PACKAGES: Final = ("duckdb", "polars", "pyarrow", "numpy", "pandas", "matplotlib")


def _meminfo(key: str, path: Path = Path("/proc/meminfo")) -> int:
    """A /proc/meminfo field in bytes (0 where there is none)."""
    try:
        for line in path.read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def cpu_model(path: Path = Path("/proc/cpuinfo")) -> str:
    try:
        for line in path.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def facts() -> dict[str, Any]:
    return {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "ram_gib": round(_meminfo("MemTotal") / GIB, 1),
        "available_gib_at_start": round(_meminfo("MemAvailable") / GIB, 1),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "versions": {name: _version(name) for name in PACKAGES},
    }


def room_for(scale: float, data_dir: Path, dataset_exists: bool) -> str | None:
    """Why `scale` cannot run here, or None when memory and disk suffice."""
    need_memory = MEMORY_PER_SCALE * scale
    available = _meminfo("MemAvailable")
    if available and available < need_memory:
        return (
            f"needs ~{need_memory / GIB:.1f} GiB of free memory, "
            f"{available / GIB:.1f} GiB available"
        )
    need_disk = DISK_PER_SCALE * scale * (1 if dataset_exists else 2)
    free = shutil.disk_usage(data_dir if data_dir.exists() else data_dir.parent).free
    if free < need_disk:
        return f"needs ~{need_disk / GIB:.1f} GiB of free disk, {free / GIB:.1f} GiB free"
    return None
