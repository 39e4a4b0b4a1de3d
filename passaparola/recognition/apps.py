from django.apps import AppConfig


class RecognitionConfig(AppConfig):
    name = "passaparola.recognition"
