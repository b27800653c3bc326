"""WSGI entry point: ``gunicorn strategist.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "strategist.settings")

application = get_wsgi_application()
