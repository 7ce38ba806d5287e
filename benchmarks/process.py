"""One command as a whole process: its wall time, peak RSS and output.

`measure(cmd)` runs this module as a small wrapper process that starts `cmd`: Linux carries a
process's peak RSS across fork and exec, so a command started by the (large) benchmark driver
would report at least the driver's size; started by the wrapper it reports at least ~10 MiB.
"""

import json
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Measured:
    seconds: float
    peak_rss_mib: float
    stdout: str
    cpu_seconds: float = 0.0  # user + system time of the command and its children


class CommandFailed(RuntimeError):
    """The measured command exited non-zero; the message carries its stderr."""


def measure(cmd: list[str]) -> Measured:
    with tempfile.NamedTemporaryFile(suffix=".json") as report:
        wrapper = [sys.executable, "-m", "benchmarks.process", report.name, *cmd]
        subprocess.run(wrapper, check=True)
        got = json.loads(Path(report.name).read_text())
    if got["returncode"] != 0:
        raise CommandFailed(f"{' '.join(cmd)} exited {got['returncode']}: {got['stderr'][-2000:]}")
    return Measured(got["seconds"], got["peak_rss_mib"], got["stdout"], got["cpu_seconds"])


def _wrap(report: Path, cmd: list[str]) -> None:
    started = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    report.write_text(
        json.dumps(
            {
                "seconds": seconds,
                "peak_rss_mib": usage.ru_maxrss / 1024,
                "cpu_seconds": usage.ru_utime + usage.ru_stime,
                "returncode": done.returncode,
                "stdout": done.stdout,
                "stderr": done.stderr,
            }
        )
    )


if __name__ == "__main__":
    _wrap(Path(sys.argv[1]), sys.argv[2:])
