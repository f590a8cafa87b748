from django.core.paginator import Paginator
from django.utils.functional import SimpleLazyObject


def paginate(request, object_list, per_page):
    """The requested page of `object_list`; a bad or out-of-range ?page= gets the nearest real page."""
    return Paginator(object_list, per_page).get_page(request.GET.get("page"))


def lazy_paginate(request, object_list, per_page):
    """(page, its objects), counted and loaded only if the template renders them (not on a fragment hit)."""
    page = SimpleLazyObject(lambda: paginate(request, object_list, per_page))
    return page, SimpleLazyObject(lambda: page.object_list)
