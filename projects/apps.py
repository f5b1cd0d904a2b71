from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Funded projects")

    def ready(self):
        from decisions.signals import award_accepted
        from projects.payments import payments_follow_grant
        from projects.services import grant_create_for_award
        from projects.signals import grant_state_changed

        # An accepted award becomes a grant, in the same transaction as the acceptance.
        award_accepted.connect(
            grant_create_for_award, dispatch_uid="projects.grant_create_for_award"
        )
        # A signed grant gets its instalments; a terminated one has its unpaid ones cancelled.
        grant_state_changed.connect(
            payments_follow_grant, dispatch_uid="projects.payments_follow_grant"
        )
