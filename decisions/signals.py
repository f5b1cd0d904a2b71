"""Signals the deciding stage sends, so later stages can follow without being imported here.

A later stage (projects/) connects a receiver in its AppConfig.ready().
"""

from django.dispatch import Signal

# Sent by decisions.services.award_accept() inside its transaction, after the decision is
# saved as accepted, with keyword arguments: decision (the accepted Decision), by (the user).
# Receivers run in the same transaction: an exception in one undoes the acceptance.
award_accepted = Signal()
