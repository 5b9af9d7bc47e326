from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "decisions"
    verbose_name = "Cases and decisions"

    def ready(self):
        from decisions import signals  # noqa: F401  (connects the sign-in audit receivers)
