from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The embedded runner (`serve`), the demo programme (`demo`) and load-test set-up."""

    name = "passaparola.demo"
