from .services import subscriptions_link_by_email


def link_on_sign_in(sender, reader, **kwargs):
    """A reader proved their address by signing in: the subscriptions listed with it become theirs."""
    subscriptions_link_by_email(reader=reader)
