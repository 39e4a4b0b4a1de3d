from django.apps import AppConfig


class RecognitionConfig(AppConfig):
    name = "passaparola.recognition"

    def ready(self) -> None:
        # Recognition listens to the steps of the data flow; they never call it.
        from passaparola.activity.signals import activities_recorded
        from passaparola.recognition.listener import on_activities_recorded

        activities_recorded.connect(on_activities_recorded, dispatch_uid="recognition-points")
