"""What every state's guarded transition function raises when a move is not in its
allowed-moves table (applications, calls, assignments, reviews, decisions, letters, outbox
messages, e-mails, stored PDF copies): one exception shape, a subclass per state."""


class InvalidMove(Exception):
    """A record was asked to move to a state not allowed from its current one.

    Subclasses name the record in `subject` ("An application"); `old` and `new` are the
    states, `reason` says why when the table alone doesn't (e.g. the decision's outcome).
    """

    subject = "A record"

    def __init__(self, old: str, new: str, reason: str = ""):
        super().__init__(
            f"{self.subject} cannot move from {old!r} to {new!r}"
            + (f": {reason}." if reason else ".")
        )
        self.old = old
        self.new = new
