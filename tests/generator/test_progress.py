"""Progress: stage fractions become one overall fraction, weighted by stage cost."""

from data.generator.progress import Progress


def test_stage_fractions_map_onto_the_overall_fraction() -> None:
    heard: list[tuple[str, float]] = []
    plan = Progress(lambda stage, fraction: heard.append((stage, fraction)), [("a", 1), ("b", 3)])
    plan.stage("a")(1.0)
    plan.stage("b")(0.5)
    plan.finish()
    assert heard == [("a", 0.0), ("a", 0.25), ("b", 0.25), ("b", 0.625), ("done", 1.0)]


def test_without_a_callback_nothing_is_reported() -> None:
    Progress(None, [("a", 1)]).stage("a")(0.5)
