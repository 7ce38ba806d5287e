"""Progress of a generation as one overall fraction, from stages of known relative cost.

Each stage reports its own 0..1 progress; the callback hears (stage name, overall fraction).
"""

from collections.abc import Callable, Sequence

Report = Callable[[str, float], None]


class Progress:
    def __init__(self, report: Report | None, stages: Sequence[tuple[str, float]]) -> None:
        self._report = report
        self._stages = dict(stages)
        self._total = sum(self._stages.values()) or 1.0

    def stage(self, name: str) -> Callable[[float], None]:
        """The callback for stage `name`: call it with that stage's own fraction done."""
        names = list(self._stages)
        start = sum(self._stages[before] for before in names[: names.index(name)])
        weight = self._stages[name]

        def advance(fraction: float) -> None:
            if self._report is not None:
                self._report(name, (start + weight * min(max(fraction, 0.0), 1.0)) / self._total)

        advance(0.0)
        return advance

    def finish(self) -> None:
        if self._report is not None:
            self._report("done", 1.0)


def scaled(advance: Callable[[float], None], share: float) -> Callable[[float], None]:
    """A stage callback for a part taking the first `share` of the stage."""
    return lambda done: advance(share * done)
