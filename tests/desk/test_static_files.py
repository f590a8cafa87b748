"""Every script and stylesheet the admin pages name is a static file that exists: in production the
manifest storage answers a missing one with a 500 on the page, where the tests' plain storage would not."""

import re
from pathlib import Path

from django.conf import settings
from django.contrib import admin
from django.contrib.staticfiles import finders
from django.forms.widgets import Media


def named_files(media: Media):
    """The paths as written (a string, or a Script/CSS asset holding one)."""
    assets = [*media._js, *(path for paths in media._css.values() for path in paths)]
    return [getattr(asset, "_path", asset) for asset in assets]


def test_every_admin_page_names_only_static_files_that_exist():
    missing = {}
    for model, model_admin in admin.site._registry.items():
        inlines = model_admin.get_inlines(None, None)
        medias = [model_admin.media] + [inline(model, admin.site).media for inline in inlines]
        for media in medias:
            for path in named_files(media):
                if not path.startswith(("http:", "https:", "/")) and not finders.find(path):
                    missing.setdefault(model._meta.label, set()).add(path)
    assert not missing, f"static files named by admin pages but not found: {missing}"


STATIC_TAG = re.compile(r"""{%\s*static\s+["']([^"']+)["']""")


def test_every_static_file_a_template_names_exists():
    roots = [Path(settings.BASE_DIR) / "templates", *Path(settings.BASE_DIR).glob("*/templates")]
    named = {
        (template.relative_to(settings.BASE_DIR), path)
        for root in roots
        for template in root.rglob("*.html")
        for path in STATIC_TAG.findall(template.read_text())
    }
    assert len(named) > 5  # the site's CSS, scripts and icons at least
    missing = sorted((str(template), path) for template, path in named if not finders.find(path))
    assert not missing, f"templates name static files that do not exist: {missing}"
