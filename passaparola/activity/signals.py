"""Signals of the activity step; higher apps listen, the steps below never know who does."""

from django.dispatch import Signal

# Sent once the transaction that recorded activities has committed, with `activities`: the
# list of Activity rows just recorded. Receivers run after the step's own work is safe.
activities_recorded = Signal()
