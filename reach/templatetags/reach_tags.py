from django import template
from django.utils.translation import get_language

from .. import reads

register = template.Library()


@register.simple_tag
def most_read():
    """The week's most read articles for the page's language."""
    return reads.most_read(get_language())


@register.simple_tag
def most_read_period():
    return reads.refresh_bucket()
