"""Commands of `intent` (not yet available)."""

import argparse
from typing import Any


def register(commands: "argparse._SubParsersAction[Any]") -> None:
    """Add this module's commands to `commands`; each sets `handler`."""
