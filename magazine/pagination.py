from django.core.paginator import Paginator


def paginate(request, object_list, per_page):
    """The requested page of `object_list`; a bad or out-of-range ?page= gets the nearest real page."""
    return Paginator(object_list, per_page).get_page(request.GET.get("page"))
