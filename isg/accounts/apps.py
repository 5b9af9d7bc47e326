from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "isg.accounts"
    label = "accounts"
    verbose_name = "Accounts and organisations"
