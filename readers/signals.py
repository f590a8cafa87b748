"""Signals other apps connect to (the ways in: a print subscription of a verified address is linked
to the reader when they sign in)."""

from django.dispatch import Signal

# Sent after a reader signed in with a sign-in letter's link or code, so the address is proven.
# Arguments: reader, request, created (True on the first sign-in, which made the account).
reader_signed_in = Signal()
