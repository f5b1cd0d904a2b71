from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"

    def ready(self):
        # E-mail records, task rows, sessions: what "My data" exports and account
        # deletion erases in the shared plumbing (core.personal_data).
        from core.privacy import register_sections

        register_sections()
