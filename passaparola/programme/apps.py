from django.apps import AppConfig


class ProgrammeConfig(AppConfig):
    name = "passaparola.programme"
