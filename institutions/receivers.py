from .services import grants_on_sign_in


def grant_on_sign_in(sender, reader, **kwargs):
    """A reader proved their address by signing in: an institution listing its domain gives them access."""
    grants_on_sign_in(reader=reader)
