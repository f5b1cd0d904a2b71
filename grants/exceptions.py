class InvalidCallTransition(Exception):
    """A call was asked to move to a status not allowed from its current one."""

    def __init__(self, old: str, new: str):
        super().__init__(f"A call cannot move from {old!r} to {new!r}.")
        self.old = old
        self.new = new
