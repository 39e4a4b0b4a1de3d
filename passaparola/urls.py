from django.conf import settings
from django.contrib import admin
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.urls import include, path, re_path
from django.views.static import serve

from passaparola.programme.views import favicon


def healthz(request: HttpRequest) -> HttpResponse:
    """Answer the load balancer's health check."""
    return HttpResponse("ok", content_type="text/plain")


def media(request: HttpRequest, path: str) -> FileResponse:
    """Serve an uploaded file from MEDIA_ROOT as the settings say now, not at import time."""
    try:
        return serve(request, path, document_root=str(settings.MEDIA_ROOT))
    except OSError:  # a name the file system refuses (too long, for one) names no upload
        raise Http404 from None


urlpatterns = [
    path("", include("passaparola.tracking.urls")),
    path("", include("passaparola.content.urls")),
    path("", include("passaparola.sharing.urls")),
    path("", include("passaparola.accounts.urls")),
    path("", include("passaparola.insights.urls")),
    path("", include("passaparola.recognition.urls")),
    path("", include("passaparola.notifications.urls")),
    path("", include("passaparola.invitations.urls")),
    path("", include("passaparola.governance.urls")),
    path("programme/", include("passaparola.programme.urls")),
    path("admin/", admin.site.urls),
    path("healthz", healthz),
    path("favicon.ico", favicon, name="favicon"),
    # Uploaded logos are few and small; the app serves them itself, like its static files.
    re_path(r"^media/(?P<path>.*)$", media),
]
if settings.BENCH_BASELINE:
    # bench/redirect compares the tracked redirect with this bare view on the same server.
    urlpatterns.append(path("", include("passaparola.demo.urls")))
