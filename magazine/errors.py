from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    # No context processors and no database: the page must render when everything else is broken.
    return HttpResponseServerError(loader.get_template("500.html").render({"request": request}))
