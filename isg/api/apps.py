from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "isg.api"
    label = "api"
    verbose_name = "API clients and webhooks"

    def ready(self) -> None:
        from isg.api import schema  # noqa: F401  (the OpenAPI security scheme)
        from isg.api.webhooks import receivers  # noqa: F401  (audit entries become events)
