from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "passaparola.people"

    def ready(self) -> None:
        # The ground floor installs it, so every app's queries and forms have it.
        from passaparola.lib.bounds import register_lookups

        register_lookups()
