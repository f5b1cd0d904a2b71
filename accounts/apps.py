from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from accounts import adapter  # noqa: F401 (connects the allauth signal receiver it defines)
        from accounts.privacy import register_sections

        register_sections()
