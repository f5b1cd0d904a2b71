from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicantsConfig(AppConfig):
    name = "applicants"
    verbose_name = _("Applications")

    def ready(self):
        # Tells grants which rows of a call's parts applications use.
        from applicants import part_usage

        part_usage.register()

        # What "My data" exports and account deletion erases here (core.personal_data).
        from applicants.privacy_sections import register_sections

        register_sections()
        from applicants import consents_privacy

        consents_privacy.register_sections()

        from applicants import privacy_team

        privacy_team.register_sections()

        # What waits for people in this stage, for the start pages (core.waiting).
        from applicants import waiting

        waiting.register()
