from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("Reviews")

    def ready(self):
        # What "My data" exports and account deletion erases here (core.personal_data).
        from reviews.privacy import register_sections

        register_sections()

        # What waits for people in this stage, for the start pages (core.waiting).
        from reviews import waiting

        waiting.register()

        # Whether a person has review work (the navigation's link) is read with their groups.
        from reviews import context_processors

        context_processors.register()
