"""The WSGI entry point of the application server (scripts/serve.sh, deploy/).

Defaults to the production profile, which refuses to start without SECRET_KEY and ALLOWED_HOSTS;
``manage.py runserver`` sets DJANGO_SETTINGS_MODULE itself first (config.settings.base).
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
application = get_wsgi_application()
