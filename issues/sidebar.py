"""The sidebar's widgets: templates registered by the apps that own them, shown in `order`."""

_widgets = []


def register(template_name, *, order=100):
    """Add a widget template to the sidebar; called from other apps' AppConfig.ready()."""
    if template_name not in {name for _, name in _widgets}:
        _widgets.append((order, template_name))


def widgets():
    return [name for _, name in sorted(_widgets)]


register("magazine/_sidebar_issue.html", order=10)
register("magazine/_sidebar_events.html", order=20)
register("magazine/_sidebar_archive.html", order=60)
register("magazine/_sidebar_contacts.html", order=90)
