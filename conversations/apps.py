from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConversationsConfig(AppConfig):
    name = "conversations"
    verbose_name = _("Messages")

    def ready(self):
        # "My applications" and the application's page show unread messages (applicants.unread),
        # "My data" lists the person's messages and account deletion anonymises them
        # (core.personal_data), and the daily digests go out on the hourly housekeeping.
        from applicants.unread import register_unread_reader
        from conversations import privacy
        from conversations.digests import housekeeping_digests
        from conversations.selectors import unread_counts_for_team_member
        from core.signals import housekeeping_ran

        register_unread_reader(unread_counts_for_team_member)
        privacy.register_sections()
        housekeeping_ran.connect(housekeeping_digests, dispatch_uid="conversations.digests")
