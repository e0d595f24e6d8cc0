"""The one exception a rule raises to say no."""


class Refused(Exception):
    """An action was refused; ``str(exc)`` is a message for the person acting."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
