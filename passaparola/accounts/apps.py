from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Pages that span apps: login, sign-up by SSO, onboarding, my account, the directory."""

    name = "passaparola.accounts"
