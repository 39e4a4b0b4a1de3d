from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "passaparola.insights"
