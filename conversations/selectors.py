"""Reads of conversations that pages, notices and digests need, scoped to who is asking."""

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from accounts.rules import is_coordinator
from applicants.models import Application
from conversations.enums import MessageNotice
from conversations.models import Conversation, ConversationRead, Message, MessageFile
from core.search import search_fold
from grants.models import GrantCall


def _last_read(user, conversation_ref: str) -> Coalesce:
    """The id of the last message `user` read in the conversation at `conversation_ref`, or 0."""
    return Coalesce(
        Subquery(
            ConversationRead.objects.filter(
                conversation=OuterRef(conversation_ref), user=user
            ).values("last_read_message_id")[:1]
        ),
        0,
    )


def unread_for(user, *, as_programme: bool) -> Q:
    """The messages that count as news for `user` (on Message): for a coordinator, what the
    team wrote; for a team member, what anyone else wrote (the programme or their team)."""
    if as_programme:
        return Q(from_programme=False)
    return ~Q(author=user)


def application_for_team_member(*, user, pk: int) -> Application:
    """An application whose team `user` is on; 404 for anyone else (never a hint it exists)."""
    return get_object_or_404(Application.objects.of_team(user).select_related("call"), pk=pk)


def conversation_messages(application: Application) -> list[Message]:
    """Every message of the application's conversation, oldest first, with authors and files."""
    return list(
        Message.objects.filter(conversation__application=application)
        .select_related("author")
        .prefetch_related("files")
        .order_by("pk")
    )


def last_read_message_id(*, user, application: Application) -> int:
    read = (
        ConversationRead.objects.filter(conversation__application=application, user=user)
        .values_list("last_read_message_id", flat=True)
        .first()
    )
    return read or 0


def message_file_for(*, application: Application, file_pk: int) -> MessageFile:
    return get_object_or_404(
        MessageFile.objects.filter(message__conversation__application=application), pk=file_pk
    )


def unread_counts_for_team_member(*, user, application_ids: list[int]) -> dict[int, int]:
    """Unread messages for `user` in the conversations of `application_ids`, by application
    (one query); only the applications whose team `user` is on count."""
    rows = (
        Message.objects.filter(
            conversation__application_id__in=application_ids,
            conversation__application__in=Application.objects.of_team(user),
        )
        .filter(unread_for(user, as_programme=False))
        .filter(pk__gt=_last_read(user, "conversation"))
        .order_by()
        .values("conversation__application_id")
        .annotate(count=Count("pk"))
    )
    return {row["conversation__application_id"]: row["count"] for row in rows}


def unread_count_for_coordinator(*, user, application: Application) -> int:
    return (
        Message.objects.filter(conversation__application=application)
        .filter(unread_for(user, as_programme=True))
        .filter(pk__gt=_last_read(user, "conversation"))
        .count()
    )


def inbox_for_call(*, call: GrantCall) -> QuerySet[Conversation]:
    """The call's conversations for a coordinator, the latest first, with their applications.

    Nothing per conversation is computed here: a page of them gets its unread counts and last
    messages from inbox_page_details(), so the inbox costs what its visible rows cost. The
    order is read from the (last message, id) index, newest first.
    """
    return (
        Conversation.objects.filter(application__call=call)
        .select_related("application")
        .order_by("-last_message_at", "-pk")
    )


def inbox_page_details(conversations, *, user) -> list[Conversation]:
    """`conversations` (one page of the inbox), each with its unread count for `user`
    (`unread`: the team's messages after the last one they read) and its last message's text
    (`last_body`, `last_from_programme`). One query, over these conversations only."""
    conversations = list(conversations)
    last_message = Message.objects.filter(conversation=OuterRef("pk")).order_by("-pk")
    details = {
        row["pk"]: row
        for row in Conversation.objects.filter(pk__in=[c.pk for c in conversations])
        .annotate(
            last_read=_last_read(user, "pk"),
            last_body=Subquery(last_message.values("body")[:1]),
            last_from_programme=Subquery(last_message.values("from_programme")[:1]),
        )
        .annotate(
            unread=Count(
                "messages",
                filter=Q(messages__from_programme=False, messages__pk__gt=F("last_read")),
            )
        )
        .order_by()
        .values("pk", "unread", "last_body", "last_from_programme")
    }
    for conversation in conversations:
        row = details.get(conversation.pk, {})
        conversation.unread = row.get("unread", 0)
        conversation.last_body = row.get("last_body") or ""
        conversation.last_from_programme = bool(row.get("last_from_programme"))
    return conversations


def inbox_unread_only(queryset: QuerySet[Conversation], *, user) -> QuerySet[Conversation]:
    """Those with a message from the team that `user` hasn't read."""
    return queryset.filter(
        Exists(
            Message.objects.filter(conversation=OuterRef("pk"), from_programme=False).filter(
                pk__gt=_last_read(user, "conversation")
            )
        )
    )


def inbox_search(queryset: QuerySet[Conversation], query: str) -> QuerySet[Conversation]:
    """Those whose application's reference number, title or applicant contains `query`."""
    folded = search_fold(query)
    return queryset.filter(application__search_text__contains=folded) if folded else queryset


# The inbox's heading counts unread messages up to this many, then says "more than".
UNREAD_TOTAL_CAP = 999


def inbox_unread_total(*, call: GrantCall, user) -> int:
    """Messages from the teams of the call's applications that `user` hasn't read, counted up
    to UNREAD_TOTAL_CAP + 1 (a busy call's backlog costs the same to count as a small one's:
    "more than 999" is all the heading says beyond that)."""
    unread = (
        Message.objects.filter(conversation__application__call=call, from_programme=False)
        .filter(pk__gt=_last_read(user, "conversation"))
        .order_by()
        .values("pk")
    )
    return unread[: UNREAD_TOTAL_CAP + 1].count()


def message_notice_choice(user) -> str:
    """How `user` wants to hear of new messages (at once when they never chose)."""
    preference = getattr(user, "notification_preference", None) if user.pk else None
    return preference.messages if preference is not None else MessageNotice.AT_ONCE


def unread_messages_since(*, user, since) -> list[Message]:
    """The messages sent after `since` that `user` hasn't read, oldest first, with their
    application: a coordinator's from every team, a team member's from their applications."""
    as_programme = is_coordinator(user)
    messages = Message.objects.filter(sent_at__gt=since).filter(
        unread_for(user, as_programme=as_programme)
    )
    if not as_programme:
        messages = messages.filter(conversation__application__in=Application.objects.of_team(user))
    return list(
        messages.filter(pk__gt=_last_read(user, "conversation"))
        .select_related("conversation__application", "author")
        .order_by("pk")
    )
