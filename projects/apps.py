from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Funded projects")

    def ready(self):
        from core.signals import housekeeping_ran
        from decisions.signals import award_accepted
        from projects.payments import payments_follow_grant
        from projects.services import grant_create_for_award
        from projects.signals import grant_state_changed
        from projects.signing import housekeeping_reminders

        # An accepted award becomes a grant, in the same transaction as the acceptance.
        award_accepted.connect(
            grant_create_for_award, dispatch_uid="projects.grant_create_for_award"
        )

        # What a coordinator can do to the grants ticked on a call's list (projects.bulk).
        from projects import bulk

        bulk.register()

        # What waits for grantees and coordinators (core.waiting), what "My applications"
        # shows of a grant (applicants.awards), and the grants in "My data" (core.personal_data).
        from projects import privacy, waiting

        waiting.register()
        privacy.register_sections()
        # Reminders of signatures still missing, checked on the worker's hourly housekeeping.
        housekeeping_ran.connect(
            housekeeping_reminders, dispatch_uid="projects.housekeeping_reminders"
        )
        # Files kept between two tries of a financial document's form, deleted after a day.
        from projects.spending import pending_uploads_clean

        housekeeping_ran.connect(
            pending_uploads_clean, dispatch_uid="projects.pending_uploads_clean"
        )
        # A signed grant gets its instalments; a terminated one has its unpaid ones cancelled.
        grant_state_changed.connect(
            payments_follow_grant, dispatch_uid="projects.payments_follow_grant"
        )
        # A notified or approved amendment changes the grant's budget, dates and schedule.
        from projects.amendment_changes import amendment_apply
        from projects.signals import amendment_in_force

        amendment_in_force.connect(amendment_apply, dispatch_uid="projects.amendment_apply")
        # An accepted final report settles its grant, in the report's own transaction.
        from projects.settlements import settlement_follow_report
        from projects.signals import report_state_changed

        report_state_changed.connect(
            settlement_follow_report, dispatch_uid="projects.settlement_follow_report"
        )
        # Reports: reminders before and after they are due (hourly housekeeping), and the
        # call's report checklist edited among the call's parts in /manage/.
        from projects import reports_setup

        reports_setup.register()
        # Each call's finance summary counts every write of the figures it sums.
        from projects import finance_summary

        finance_summary.connect()
