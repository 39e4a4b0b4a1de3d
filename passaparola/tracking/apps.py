from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class TrackingConfig(AppConfig):
    name = "passaparola.tracking"

    def ready(self) -> None:
        from passaparola.content.models import Post
        from passaparola.programme.models import Programme
        from passaparola.sharing.models import ShortLink
        from passaparola.tracking.models import TrackingSettings
        from passaparola.tracking.selectors import caches_clear

        def forget(**kwargs: object) -> None:
            # Other processes see an edit when their cached entry expires (a minute at most).
            caches_clear()

        for model in (Post, Programme, ShortLink, TrackingSettings):
            post_save.connect(forget, sender=model, weak=False, dispatch_uid=f"tracking-{model}")
            post_delete.connect(
                forget, sender=model, weak=False, dispatch_uid=f"tracking-del-{model}"
            )
