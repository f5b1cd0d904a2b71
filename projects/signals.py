"""Signals of the grant's life, so each part (payments, e-mails) follows the grant's moves
without the owner of the state knowing them."""

from django.dispatch import Signal

# Sent by projects.services.grant_transition() inside its transaction, after the grant is
# saved, with keyword arguments: grant (the saved Grant), old_state, new_state, by, note.
# Receivers run in the same transaction: an exception in one undoes the move. E-mails and
# other side effects a receiver starts go in transaction.on_commit.
grant_state_changed = Signal()
