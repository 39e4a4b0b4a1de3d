import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "passaparola.settings")
django_application = get_wsgi_application()

# Short links already cached in the process are answered before Django (the hot path);
# imported here because it needs the apps that get_wsgi_application() has just loaded.
from passaparola.tracking.fastpath import FastRedirect  # noqa: E402

application = FastRedirect(django_application)
