"""The `intent` console script."""


def main() -> None:
    print("intent")
