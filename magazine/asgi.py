import os

from django.core.asgi import get_asgi_application

from ops import collector

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "magazine.settings")
application = get_asgi_application()
collector.settle()
