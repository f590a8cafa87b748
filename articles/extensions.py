"""Templates other apps show under an article (comments, sharing), registered from their AppConfig.ready()."""

_below_article = []


def register_below_article(template_name, *, order=100):
    if template_name not in {name for _, name in _below_article}:
        _below_article.append((order, template_name))


def below_article():
    return [name for _, name in sorted(_below_article)]
