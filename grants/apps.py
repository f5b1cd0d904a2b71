from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GrantsConfig(AppConfig):
    name = "grants"
    verbose_name = _("Grant calls")

    def ready(self):
        # The coordinators' role and start page for the "waiting for you" summaries (core.waiting).
        from grants import waiting

        waiting.register()
