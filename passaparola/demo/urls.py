from django.urls import path

from passaparola.demo import views

app_name = "demo"
# Only mounted with BENCH_BASELINE=true (bench/redirect); see passaparola/urls.py.
urlpatterns = [path("bench/s/<str:code>", views.bench_baseline, name="bench_baseline")]
