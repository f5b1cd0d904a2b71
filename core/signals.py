"""Signals of the shared plumbing, for the apps that build on it (core imports no app)."""

from django.dispatch import Signal

# Sent by core.tasks.housekeeping() on each hourly run, with no arguments. Receivers do their
# own periodic work (e.g. reminders before a deadline); they must be idempotent (a run may be
# repeated) and are called with send_robust: one failing doesn't stop the others.
housekeeping_ran = Signal()
