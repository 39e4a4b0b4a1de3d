from django.urls import path

from passaparola.sharing import views

app_name = "sharing"
urlpatterns = [path("share/<int:post_id>/<str:network>/", views.share, name="share")]
