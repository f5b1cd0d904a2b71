"""Signals of the grant's life, so each part (payments, e-mails) follows the grant's moves
without the owner of the state knowing them."""

from django.dispatch import Signal

# Sent by projects.services.grant_transition() inside its transaction, after the grant is
# saved, with keyword arguments: grant (the saved Grant), old_state, new_state, by, note.
# Receivers run in the same transaction: an exception in one undoes the move. E-mails and
# other side effects a receiver starts go in transaction.on_commit.
grant_state_changed = Signal()

# Sent by projects.reports.report_transition() in its transaction, after the report is saved,
# with keyword arguments: report, old_state, new_state, by, note. The settlement follows an
# accepted final report (projects.settlements).
report_state_changed = Signal()

# Sent by projects.amendments.amendment_transition() in its transaction when an amendment
# comes into force (notified or approved), with keyword arguments: amendment, by.
amendment_in_force = Signal()
