from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DecisionsConfig(AppConfig):
    name = "decisions"
    verbose_name = _("Decisions and letters")

    def ready(self):
        from applicants.signals import application_status_changed
        from decisions import archiving
        from decisions.services import decision_settle_on_application_end

        # Tells grants what must be settled before a call is archived.
        archiving.register()

        # A withdrawn (or formally rejected) application's draft decision lapses,
        # in the same transaction as the application's move.
        application_status_changed.connect(
            decision_settle_on_application_end, dispatch_uid="decisions.settle_on_application_end"
        )

        # What "My data" exports and account deletion erases here (core.personal_data).
        from decisions.privacy import register_sections

        register_sections()

        # What waits for people in this stage, for the start pages (core.waiting), and
        # what "My applications" shows of the awards (applicants.awards).
        from decisions import waiting

        waiting.register()
