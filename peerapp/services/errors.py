"""The one exception a rule raises to say no."""


class Refused(Exception):
    """An action was refused; ``str(exc)`` is a message for the person acting.

    ``keep_changes``: what the refused action had written stands (an expiry it
    noticed on the way); ``unit_of_work`` commits it instead of rolling back.
    """

    def __init__(self, message: str, *, keep_changes: bool = False):
        super().__init__(message)
        self.message = message
        self.keep_changes = keep_changes
