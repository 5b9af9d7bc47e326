from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class JobsConfig(AppConfig):
    name = "isg.jobs"
    label = "jobs"
    verbose_name = "Background jobs"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Each app's `jobs` module registers its kinds of job (decisions/jobs.py), so that a
        # worker knows every kind before it takes its first task.
        autodiscover_modules("jobs")
