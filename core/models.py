"""Rows shared by every app: the e-mails queued for the task worker, and who runs the programme."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.enums import EmailState, RenderedPdfState
from core.validators import nip_formatted, validate_krs, validate_nip, validate_postcode


class ChangeCounted(models.Model):
    """A stored computation kept current by counting the changes that move it.

    Every event that changes what was computed adds one to `changes` in its own
    transaction (core.services.change_count); a computation notes the count it read
    before computing in `built_changes`. It is current while it has read them all.
    (The ranking's snapshot, reviews.RankingState; a call's finance sums,
    projects.FinanceSummary.)
    """

    # The rows whose computation is current, for a filter.
    CURRENT = models.Q(built_at__isnull=False, built_changes__gte=models.F("changes"))

    changes = models.PositiveBigIntegerField(default=0)
    built_changes = models.PositiveBigIntegerField(default=0)
    built_at = models.DateTimeField(null=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.pk}: {self.built_changes}/{self.changes}"

    @property
    def is_current(self) -> bool:
        return self.built_at is not None and self.built_changes >= self.changes


class OutgoingEmail(models.Model):
    """One e-mail to one address: queued for the task worker, then the record that it was sent.

    The message itself (bodies, headers) is kept only until it is sent or given
    up: some carry a link that logs someone in (e-mail confirmation, password
    reset), and nobody needs the text afterwards. What stays is who it went to,
    what kind of message it was, its subject and when it was sent, so that a
    person can be shown, or erase, the e-mails sent to them (`user`, or `to`
    where the address belongs to no account).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="outgoing_emails",
    )
    to = models.EmailField(max_length=254)
    kind = models.CharField(max_length=100, blank=True)  # e.g. allauth's template prefix
    subject = models.TextField()
    from_email = models.CharField(max_length=320, blank=True)
    body = models.TextField(blank=True)
    html_body = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=16, choices=EmailState.choices, default=EmailState.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["state", "created_at"], name="core_email_state_created"),
            models.Index(fields=["to"], name="core_email_to"),
        ]

    def __str__(self) -> str:
        return f"{self.kind or 'e-mail'} to {self.to} ({self.state})"


class ProgrammeProfile(models.Model):
    """Who runs the programme: one row, edited by coordinators, read everywhere the operator appears.

    Letters (letterhead, place, signatory), the privacy notice (the controller
    of personal data and the contact for data protection), every e-mail (the
    sender's name, Reply-To, the signature) and the site's header and footer
    read it through core.selectors.programme_profile(), which caches it. Before
    a coordinator saves it the first time there is no row, and the defaults
    below stand in.
    """

    SINGLETON_PK = 1

    site_name = models.CharField(
        _("name of the service"),
        max_length=100,
        default="Mikrogranty",
        help_text=_("Shown in the site's header, page titles and e-mail subjects."),
    )
    operator_name = models.CharField(
        _("operator's name"),
        max_length=300,
        blank=True,
        help_text=_(
            "The organisation that runs the programme, e.g. an association or a foundation. "
            "It controls applicants' personal data and signs the letters."
        ),
    )
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postcode = models.CharField(
        _("postcode"), max_length=6, blank=True, validators=[validate_postcode]
    )
    town = models.CharField(_("town"), max_length=100, blank=True)
    krs = models.CharField(_("KRS number"), max_length=10, blank=True, validators=[validate_krs])
    nip = models.CharField(_("NIP"), max_length=10, blank=True, validators=[validate_nip])
    privacy_contact_name = models.CharField(
        _("data protection officer (IOD)"),
        max_length=200,
        blank=True,
        help_text=_("Their name, if the operator has appointed one."),
    )
    privacy_contact_email = models.EmailField(
        _("e-mail for data protection matters"),
        blank=True,
        help_text=_("Named in the privacy notice and in the footer of every page."),
    )
    signatory_name = models.CharField(_("who signs the letters"), max_length=200, blank=True)
    signatory_role = models.CharField(
        _("their role"),
        max_length=200,
        blank=True,
        help_text=_("Written under the name, e.g. Programme coordinator."),
    )
    letter_place = models.CharField(
        _("place written on letters"),
        max_length=100,
        blank=True,
        help_text=_("The town before the date, e.g. Warszawa. Empty: the operator's town."),
    )
    # The logo itself is kept in the row (at most core.logos.MAX_LOGO_BYTES), so that
    # every web process and the PDF renderer read the same one without shared storage.
    logo = models.BinaryField(_("logo"), blank=True, default=b"")
    logo_content_type = models.CharField(max_length=20, blank=True)
    logo_updated_at = models.DateTimeField(null=True, blank=True)
    email_sender_name = models.CharField(
        _("e-mail sender name"),
        max_length=100,
        blank=True,
        help_text=_(
            "What people see as the sender of the e-mails. Empty: the name of the service."
        ),
    )
    reply_to = models.EmailField(
        _("reply-to address"),
        blank=True,
        help_text=_("Where replies to the e-mails go, e.g. the programme team's mailbox."),
    )
    website = models.URLField(_("website"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Who changed what and when: the logo's bytes are left out, its type and moment are kept.
    history = HistoricalRecords(excluded_fields=["logo"])

    class Meta:
        verbose_name = _("programme profile")
        verbose_name_plural = _("programme profile")

    def __str__(self) -> str:
        return self.operator_name or self.site_name

    def save(self, *args, **kwargs):
        # One row: whatever saves it saves the one (core.apps forgets the cached copy).
        self.pk = self.SINGLETON_PK
        super().save(*args, **kwargs)

    @property
    def has_logo(self) -> bool:
        return bool(self.logo_content_type)

    @property
    def address_lines(self) -> list[str]:
        """The postal address as written on an envelope: street, then postcode and town."""
        town_line = " ".join(part for part in (self.postcode, self.town) if part)
        return [line for line in (self.street, town_line) if line]

    @property
    def address(self) -> str:
        return ", ".join(self.address_lines)

    @property
    def place(self) -> str:
        """The place written before a letter's date."""
        return self.letter_place or self.town

    @property
    def website_label(self) -> str:
        """The website as people write it: without https:// and the final slash."""
        label = self.website.split("://", 1)[-1]
        return label.removesuffix("/")

    @property
    def sender_name(self) -> str:
        return self.email_sender_name or self.site_name

    @property
    def nip_formatted(self) -> str:
        return nip_formatted(self.nip)

    @property
    def operator_or_site(self) -> str:
        """The name to give when one is needed: the operator's, else the service's."""
        return self.operator_name or self.site_name

    def controller_statement(self) -> str:
        """Who controls applicants' personal data and whom to ask about it, in the active language.

        The opening of every privacy notice: the call's own notice follows it.
        """
        if self.operator_name:
            registry = ", ".join(
                part
                for part in (
                    f"KRS {self.krs}" if self.krs else "",
                    f"NIP {self.nip_formatted}" if self.nip else "",
                )
                if part
            )
            who = ", ".join(part for part in (self.operator_name, self.address) if part)
            if registry:
                who = f"{who} ({registry})"
            sentences = [
                gettext("The controller of your personal data is %(operator)s.") % {"operator": who}
            ]
        else:
            sentences = [
                gettext("The controller of your personal data is the programme's operator.")
            ]
        if self.privacy_contact_email and self.privacy_contact_name:
            sentences.append(
                gettext(
                    "For anything about your personal data, write to the data protection officer "
                    "(%(name)s): %(email)s."
                )
                % {"name": self.privacy_contact_name, "email": self.privacy_contact_email}
            )
        elif self.privacy_contact_email:
            sentences.append(
                gettext("For anything about your personal data, write to %(email)s.")
                % {"email": self.privacy_contact_email}
            )
        return " ".join(sentences)


def rendered_pdf_path(instance: "RenderedPdf", filename: str) -> str:
    return f"rendered/{instance.key[:2]}/{instance.key}.pdf"


class RenderedPdf(models.Model):
    """A PDF a page asked for (a preview), rendered once by a task worker and then only served.

    `key` is the SHA-256 of who asked and of everything that makes the document
    (its HTML and the renderer's options): asking again for the same document
    finds this row, whatever its state, and never renders it again. The HTML is
    kept until the worker has rendered it, then erased. Owned by core.pdf_renders.
    """

    key = models.CharField(max_length=64, unique=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,  # housekeeping deletes the row and its file soon after
        related_name="rendered_pdfs",
    )
    html = models.TextField(blank=True)
    options = models.JSONField(default=dict, blank=True)
    filename = models.CharField(max_length=200)
    state = models.CharField(
        max_length=16, choices=RenderedPdfState.choices, default=RenderedPdfState.PENDING
    )
    file = models.FileField(upload_to=rendered_pdf_path, max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("rendered PDF")
        verbose_name_plural = _("rendered PDFs")
        indexes = [models.Index(fields=["created_at"], name="core_renderedpdf_created")]

    def __str__(self) -> str:
        return f"{self.filename} ({self.state})"

    @property
    def is_ready(self) -> bool:
        return self.state == RenderedPdfState.READY and bool(self.file)

    @property
    def is_failed(self) -> bool:
        return self.state == RenderedPdfState.FAILED


class RenderedPdfChange(models.Model):
    """The audit trail of a RenderedPdf's state: every move, when, and why."""

    pdf = models.ForeignKey(RenderedPdf, on_delete=models.CASCADE, related_name="changes")
    old_state = models.CharField(max_length=16, choices=RenderedPdfState.choices)
    new_state = models.CharField(max_length=16, choices=RenderedPdfState.choices)
    note = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.old_state} → {self.new_state}"
