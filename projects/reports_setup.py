"""What the reports add to other parts when the app loads: the reminders on the worker's
housekeeping and the call's report checklist among the parts edited in /manage/."""

from django.utils.translation import gettext_lazy as _

from core.signals import housekeeping_ran
from grants.views.manage import CallPartSpec, register_call_part
from projects.forms_reports import ReportCheckItemForm
from projects.models import ReportCheckItem
from projects.report_reminders import housekeeping_report_reminders


def register() -> None:
    housekeeping_ran.connect(
        housekeeping_report_reminders, dispatch_uid="projects.housekeeping_report_reminders"
    )
    register_call_part(
        "report_checklist",
        CallPartSpec(
            model=ReportCheckItem,
            form=ReportCheckItemForm,
            title=_("Report checklist"),
            intro=_("The points coordinators tick off when checking each grant's report."),
            row_label=_("Item"),
            add_label=_("Add an item"),
        ),
    )
