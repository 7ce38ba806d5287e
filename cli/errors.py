"""CLI errors: a message for stderr and an exit code; anything else is a bug."""


class CliError(Exception):
    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code
