"""Background work of the decision stage: issuing letters and e-mailing them.

Tasks carry ids only (a letter request, an outbox message) and call the
services of decisions.issuing, which own the states and make each task safe to
run twice.
"""

from django_tasks import task

from decisions.issuing import letter_request_issue, outbox_message_send


@task()
def issue_letter(*, letter_request_id: int) -> int | None:
    """Issue the requested letter, then queue its e-mail. The letter's id (None if not ours to issue)."""
    letter = letter_request_issue(request_id=letter_request_id)
    return letter.pk if letter is not None else None


@task()
def send_decision_email(*, message_id: int) -> bool:
    """E-mail the applicant their letter, recorded in the outbox. True if this run sent it."""
    return outbox_message_send(message_id=message_id)
