from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Funded projects")

    def ready(self):
        from decisions.signals import award_accepted
        from projects.services import grant_create_for_award

        # An accepted award becomes a grant, in the same transaction as the acceptance.
        award_accepted.connect(
            grant_create_for_award, dispatch_uid="projects.grant_create_for_award"
        )
