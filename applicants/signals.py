"""Signals the applying stage sends, so later stages can follow without being imported here.

The pipeline's imports point back up (decisions imports applicants, never the
reverse); a later stage that must act when an application changes connects a
receiver in its AppConfig.ready().
"""

from django.dispatch import Signal

# Sent by applicants.services.application_transition() inside its transaction,
# after the new status is saved, with keyword arguments:
#   application (the saved Application), old_status, new_status, by (a user or None), note.
# Receivers run in the same transaction: an exception in one undoes the move.
application_status_changed = Signal()
