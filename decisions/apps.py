from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "decisions"
    verbose_name = "Cases and decisions"

    def ready(self) -> None:
        from decisions.audit import receivers  # noqa: F401  (connects the audit receivers)
        from decisions.cases import receivers as cases  # noqa: F401  (team changes)
        from decisions.exchange import receivers as exchange  # noqa: F401  (delivery grants)
        from decisions.reports import receivers as reports  # noqa: F401  (kept months)
