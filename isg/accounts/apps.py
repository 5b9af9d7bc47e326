from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "isg.accounts"
    label = "accounts"
    verbose_name = "Accounts and organisations"

    def ready(self) -> None:
        from isg.accounts import signals  # noqa: F401  (session times, lockout audit)
