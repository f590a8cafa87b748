from django import template

from ..models import PrintSubscription

register = template.Library()


@register.simple_tag
def print_subscriptions(reader):
    """The print subscriptions linked to `reader`, the latest ending first (one query)."""
    if reader is None or not reader.is_authenticated:
        return []
    return list(PrintSubscription.objects.filter(reader_id=reader.pk).order_by("-ends_on"))
