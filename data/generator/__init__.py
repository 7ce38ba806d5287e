"""The deterministic intent dataset generator: `generate()` writes topics, people and dates.

Same arguments, same bytes: every value comes from numpy generators spawned from the seed.
"""

from data.generator.run import DEFAULT_TOPICS, GenerateSummary, generate

__all__ = ["DEFAULT_TOPICS", "GenerateSummary", "generate"]
