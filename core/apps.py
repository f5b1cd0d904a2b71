from django.apps import AppConfig
from django.db import transaction
from django.db.models.signals import post_delete, post_save


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"

    def ready(self):
        # E-mail records, task rows, sessions: what "My data" exports and account
        # deletion erases in the shared plumbing (core.personal_data).
        from core.models import ProgrammeProfile
        from core.privacy import register_sections
        from core.selectors import programme_profile_forget

        register_sections()

        from core.pdf_renders import rendered_pdfs_sweep
        from core.signals import housekeeping_ran

        housekeeping_ran.connect(rendered_pdfs_sweep, dispatch_uid="core-rendered-pdfs-sweep")

        def forget_the_cached_profile(**kwargs) -> None:
            """Now (this process sees the change at once) and after commit (another process
            may have cached the old row before this one committed)."""
            programme_profile_forget()
            transaction.on_commit(programme_profile_forget)

        for signal in (post_save, post_delete):
            signal.connect(
                forget_the_cached_profile,
                sender=ProgrammeProfile,
                weak=False,
                dispatch_uid=f"programme-profile-{signal is post_save}",
            )
