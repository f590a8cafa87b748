from django import template

from .. import extensions

register = template.Library()


@register.simple_tag
def below_article_templates():
    return extensions.below_article()
