"""Who runs the programme: the one profile, how it is read and cached, its logo, and the e-mails it signs."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.urls import reverse

from accounts.tests.factories import CoordinatorFactory, UserFactory
from core.logos import MAX_LOGO_BYTES, logo_checked
from core.mail import email_enqueue, email_send_now, email_subject_prefix
from core.models import ProgrammeProfile
from core.selectors import programme_profile, programme_profile_history
from core.tests.programme import GOOD_SVG, OPERATOR, png_bytes, programme_saved

# --- The profile ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_programme_profile_before_anyone_saves_it_is_the_defaults():
    profile = programme_profile()
    assert profile.site_name == "Mikrogranty"
    assert profile.operator_name == ""
    assert not profile.has_logo


@pytest.mark.django_db
def test_programme_profile_is_read_from_the_cache_after_the_first_read(
    django_assert_num_queries,
):
    programme_saved()
    with django_assert_num_queries(1):
        assert programme_profile().operator_name == "Fundacja Zielony Kwartał"
    with django_assert_num_queries(0):
        assert programme_profile().town == "Kraków"


@pytest.mark.django_db
def test_programme_profile_saved_again_is_what_the_next_read_sees():
    coordinator = CoordinatorFactory()
    programme_saved(by=coordinator)
    assert programme_profile().signatory_name == "Zofia Podpisowska"
    programme_saved(by=coordinator, signatory_name="Ewa Nowa")
    assert programme_profile().signatory_name == "Ewa Nowa"
    assert ProgrammeProfile.objects.count() == 1


@pytest.mark.django_db
def test_programme_profile_history_says_who_changed_which_values():
    coordinator = CoordinatorFactory(full_name="Katarzyna Nowicka")
    programme_saved(by=coordinator)
    programme_saved(by=coordinator, town="Wieliczka", logo=False)
    latest, first = programme_profile_history()
    assert latest.by == "Katarzyna Nowicka"
    assert latest.fields == ["miejscowość"]  # the town; the logo was kept, not changed
    assert first.fields == ["utworzenie"]


@pytest.mark.django_db
def test_programme_profile_saved_without_a_new_logo_keeps_the_old_one():
    programme_saved()
    programme_saved(logo=False, town="Wieliczka")
    assert bytes(ProgrammeProfile.objects.get().logo) == GOOD_SVG


@pytest.mark.django_db
def test_programme_profile_refuses_a_nip_with_a_wrong_check_digit():
    with pytest.raises(ValidationError) as refused:
        programme_saved(nip="0001234563")
    assert "nip" in refused.value.message_dict


@pytest.mark.django_db
def test_controller_statement_names_the_operator_its_address_registry_and_contact():
    programme_saved()
    statement = programme_profile().controller_statement()
    assert "Fundacja Zielony Kwartał, ul. Kwartałowa 3, 31-123 Kraków" in statement
    assert "KRS 0000000000, NIP 000-123-45-62" in statement
    assert "Jan Iodowski" in statement
    assert "iod@zielonykwartal.example" in statement


# --- The logo ------------------------------------------------------------------------------


def _refusal(name: str, data: bytes) -> str:
    with pytest.raises(ValidationError) as refused:
        logo_checked(name=name, data=data)
    return " ".join(refused.value.messages)


def _svg(inner: str, attributes: str = "") -> bytes:
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'viewBox="0 0 10 10"{attributes}>{inner}</svg>'
    ).encode()


def test_logo_svg_with_a_script_is_refused():
    assert "script" in _refusal("logo.svg", _svg("<script>alert(document.cookie)</script>"))


def test_logo_svg_with_an_onload_handler_is_refused():
    assert "onload" in _refusal("logo.svg", _svg("", ' onload="alert(1)"'))


def test_logo_svg_with_an_event_handler_deep_inside_is_refused():
    assert "onclick" in _refusal("logo.svg", _svg('<g><rect onclick="alert(1)"/></g>'))


def test_logo_svg_with_foreign_object_is_refused():
    html = '<foreignObject><div xmlns="http://www.w3.org/1999/xhtml">hi</div></foreignObject>'
    assert "foreignObject" in _refusal("logo.svg", _svg(html))


def test_logo_svg_with_an_external_href_is_refused():
    assert "https://evil.example/x.svg" in _refusal(
        "logo.svg", _svg('<use href="https://evil.example/x.svg#a"/>')
    )


def test_logo_svg_with_a_javascript_link_is_refused():
    assert _refusal("logo.svg", _svg('<a xlink:href="javascript:alert(1)"><rect/></a>'))


def test_logo_svg_with_an_external_url_in_a_style_is_refused():
    assert _refusal("logo.svg", _svg('<rect style="fill: url(https://evil.example/p)"/>'))
    assert _refusal("logo.svg", _svg("<style>@import 'https://evil.example/a.css';</style>"))


def test_logo_svg_with_an_html_script_element_is_refused():
    script = '<script xmlns="http://www.w3.org/1999/xhtml">alert(1)</script>'
    assert _refusal("logo.svg", _svg(script))


def test_logo_svg_with_a_doctype_and_entities_is_refused():
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b'<svg xmlns="http://www.w3.org/2000/svg"><text>&b;</text></svg>'
    )
    assert "DOCTYPE" in _refusal("logo.svg", laughs)


def test_logo_svg_animation_that_could_change_a_link_is_refused():
    assert _refusal(
        "logo.svg", _svg('<a href="#x"><set attributeName="href" to="javascript:alert(1)"/></a>')
    )


def test_logo_that_is_not_xml_is_refused_as_svg():
    assert "SVG" in _refusal("logo.svg", b"GIF89a not an svg")


def test_logo_fake_png_is_refused():
    assert "PNG" in _refusal("logo.png", b"<svg xmlns='http://www.w3.org/2000/svg'/>")
    assert "PNG" in _refusal("logo.png", b"\x89PNG\r\n\x1a\n" + b"garbage" * 20)


def test_logo_of_another_kind_is_refused():
    assert "SVG lub PNG" in _refusal("logo.gif", b"GIF89a")


def test_logo_too_big_is_refused():
    assert "kB" in _refusal("logo.png", b"\0" * (MAX_LOGO_BYTES + 1))


def test_logo_good_svg_and_png_are_accepted():
    assert logo_checked(name="Logo.SVG", data=GOOD_SVG).content_type == "image/svg+xml"
    assert logo_checked(name="logo.png", data=png_bytes()).content_type == "image/png"


def test_logo_svg_with_an_embedded_raster_image_is_accepted():
    embedded = _svg('<image href="data:image/png;base64,iVBORw0KGgo=" width="10" height="10"/>')
    assert logo_checked(name="logo.svg", data=embedded).content_type == "image/svg+xml"


@pytest.mark.django_db
def test_logo_is_served_from_our_origin_with_a_policy_that_runs_nothing(client):
    programme_saved()
    response = client.get(reverse("programme_logo"))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content == GOOD_SVG
    assert response["X-Content-Type-Options"] == "nosniff"
    policy = response["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "sandbox" in policy
    assert "script-src" not in policy


@pytest.mark.django_db
def test_logo_address_is_not_found_without_a_logo(client):
    assert client.get(reverse("programme_logo")).status_code == 404


# --- E-mails -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_email_queued_goes_from_the_programme_with_its_reply_to(
    settings, django_capture_on_commit_callbacks
):
    settings.DEFAULT_FROM_EMAIL = "Mikrogranty <noreply@mikrogranty.local>"
    programme_saved()
    with django_capture_on_commit_callbacks(execute=True):
        email_enqueue(EmailMessage("Temat", "Treść", to=["ala@example.org"]), kind="test")
    (sent,) = mail.outbox
    assert sent.from_email == "Fundacja Zielony Kwartał <noreply@mikrogranty.local>"
    assert sent.message()["Reply-To"] == "granty@zielonykwartal.example"


@pytest.mark.django_db
def test_email_sent_by_a_task_goes_from_the_programme_too():
    programme_saved(email_sender_name="Zielony Kwartał, granty")
    user = UserFactory()
    email_send_now(EmailMessage("Temat", "Treść", to=[user.email]), kind="test", user=user)
    (sent,) = mail.outbox
    # A comma in the name is quoted, so the name is not read as two addresses.
    assert sent.from_email.startswith('"Zielony Kwartał, granty" <')
    assert sent.reply_to == ["granty@zielonykwartal.example"]


@pytest.mark.django_db
def test_email_without_a_profile_goes_from_the_service_name_and_no_reply_to(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        email_enqueue(EmailMessage("Temat", "Treść", to=["ala@example.org"]), kind="test")
    (sent,) = mail.outbox
    assert sent.from_email.startswith("Mikrogranty <")
    assert "Reply-To" not in sent.message()


@pytest.mark.django_db
def test_email_subject_prefix_is_the_service_name():
    assert email_subject_prefix() == "[Mikrogranty] "
    programme_saved()
    assert email_subject_prefix() == f"[{OPERATOR['site_name']}] "
