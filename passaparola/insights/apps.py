from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "passaparola.insights"

    def ready(self) -> None:
        # Registers the click origins' model, which lives beside its rollup (origins.py).
        from passaparola.insights import origins  # noqa: F401
