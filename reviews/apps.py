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

        # The ranking snapshot follows what changes a ranking in the earlier stages, in the
        # same transaction as the change (reviews.ranking_snapshot).
        from django.db.models.signals import post_save

        from applicants.signals import application_status_changed
        from grants.models import GrantCall
        from reviews.ranking_snapshot import (
            ranking_follow_application_status,
            ranking_follow_call_save,
        )

        application_status_changed.connect(
            ranking_follow_application_status, dispatch_uid="reviews.ranking_follow_status"
        )
        post_save.connect(
            ranking_follow_call_save, sender=GrantCall, dispatch_uid="reviews.ranking_follow_call"
        )
        # Whether a person has review work (the navigation's link) is read with their groups.
        from reviews import context_processors

        context_processors.register()
