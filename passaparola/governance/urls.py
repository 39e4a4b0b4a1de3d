from django.urls import path

from passaparola.governance import views

app_name = "governance"
urlpatterns = [
    path("policy/", views.policy_view, name="policy"),
    path("policy/accept/", views.policy_accept_view, name="policy_accept"),
    path("governance/policy/", views.policy_admin, name="policy_admin"),
    path("governance/audit/", views.audit_log, name="audit"),
]
