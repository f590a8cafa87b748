from django.shortcuts import get_object_or_404, render
from django.utils.cache import add_never_cache_headers
from taggit.models import Tag

from magazine.pagination import paginate

from .models import Article
from .paywall import can_preview, is_paywalled, visible_blocks


def article_detail(request, slug):
    articles = Article.objects.all() if can_preview(request.user) else Article.objects.published()
    article = get_object_or_404(
        articles.select_related("issue", "section").prefetch_related("authors", "tags"), slug=slug
    )
    context = {
        "article": article,
        "blocks": list(visible_blocks(article, request.user)),
        "paywalled": is_paywalled(article, request.user),
        "is_preview": not article.is_published(),
    }
    response = render(request, "articles/article_detail.html", context)
    if context["is_preview"] or can_preview(request.user):
        add_never_cache_headers(response)
    return response


def tag_detail(request, slug):
    tag = get_object_or_404(Tag, slug=slug)
    page = paginate(request, Article.objects.published().for_listing().filter(tags=tag).distinct(), 20)
    return render(
        request, "articles/tag_detail.html", {"tag": tag, "page": page, "articles": page.object_list}
    )
