import os

from django.core.wsgi import get_wsgi_application

from ops import collector

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "magazine.settings")
application = get_wsgi_application()
collector.settle()
