from django.apps import AppConfig
from django.db.models.signals import post_migrate


class GuidanceConfig(AppConfig):
    name = "guidance"
    verbose_name = "Guidance frameworks"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from guidance import signals

        # Sender is this app: the handler runs once per migrate (and after a test flush), so
        # the frameworks are in the tables as soon as `migrate` finishes, with no extra step.
        post_migrate.connect(signals.sync_after_migrate, sender=self)
