from core.states import InvalidMove


class InvalidCallTransition(InvalidMove):
    """A call was asked to move to a status not allowed from its current one."""

    subject = "A call"
