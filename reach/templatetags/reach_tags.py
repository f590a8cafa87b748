from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from ..middleware import most_read_marker

register = template.Library()


@register.simple_tag
def most_read_here():
    """Where the most read list goes: reach.middleware fills it in for every answer, cached or not."""
    return mark_safe(most_read_marker(get_language() or ""))
