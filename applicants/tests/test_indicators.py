"""Planned indicators: typed in the results section, required by the call, frozen, shown, compared."""

import io
import json
import zipfile
from decimal import Decimal

import pypdf
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import CoordinatorFactory, UserFactory
from applicants.diff import version_diff
from applicants.indicators import application_indicators_save
from applicants.models import ApplicationIndicator
from applicants.services import SubmissionRefused, application_submit
from applicants.tests.builders import CONSENTS, complete_draft, render_waiting_pdf_copies
from grants.limits import MAX_OWN_INDICATORS
from grants.models import CallIndicator
from grants.tests.factories import GrantCallFactory
from grants.tests.test_call_parts import as_sent, parts_url

pytestmark = pytest.mark.django_db

PARTICIPANTS = "Uczestnicy warsztatów"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def call_requiring(*names: str, call=None):
    call = call or GrantCallFactory()
    for position, name in enumerate(names):
        CallIndicator.objects.create(call=call, name=name, unit="osób", position=position)
    return call


def results_url(application) -> str:
    return reverse("applicants:section", args=[application.pk, "results"])


def management(total: int) -> dict[str, str]:
    return {
        "indicators-TOTAL_FORMS": str(total),
        "indicators-INITIAL_FORMS": "0",
        "indicators-MIN_NUM_FORMS": "0",
        "indicators-MAX_NUM_FORMS": "1000",
    }


def results_post(application, *, fixed: dict | None = None, own: list[tuple] = ()) -> dict:
    """What the results section sends: the call's rows (by indicator) first, then own rows."""
    fixed = fixed or {}
    data = {
        "expected_results": application.expected_results,
        "results_measurement": application.results_measurement,
        "go": "stay",
        **management(len(fixed) + len(own)),
    }
    for index, (indicator, planned) in enumerate(fixed.items()):
        data[f"indicators-{index}-call_indicator"] = str(indicator.pk)
        data[f"indicators-{index}-planned"] = planned
    for index, (name, planned, unit) in enumerate(own, start=len(fixed)):
        data[f"indicators-{index}-name"] = name
        data[f"indicators-{index}-planned"] = planned
        data[f"indicators-{index}-unit"] = unit
    return data


def stored(application) -> list[tuple]:
    return [
        (row.name, row.planned, row.unit, row.call_indicator_id)
        for row in application.indicators.order_by("position")
    ]


def with_indicators(application, *, participants="40"):
    """The applicant gives the call's indicators and one of their own, on the results page."""
    fixed = dict.fromkeys(application.call.indicators.all(), participants)
    rows = [
        {"call_indicator": indicator, "planned": Decimal(planned)}
        for indicator, planned in fixed.items()
    ]
    rows.append(
        {"call_indicator": None, "name": "Trasa rajdu", "planned": Decimal("12.5"), "unit": "km"}
    )
    application_indicators_save(application=application, rows=rows)
    return application


# --- The form -----------------------------------------------------------------------


def test_results_section_shows_the_calls_indicators_before_the_applicants_own(client):
    call = call_requiring(PARTICIPANTS)
    CallIndicator.objects.filter(call=call).update(help_text="Bez zespołu projektu.")
    application = with_indicators(complete_draft(call=call))
    client.force_login(application.applicant)

    page = client.get(results_url(application)).text

    assert page.index(PARTICIPANTS) < page.index("Trasa rajdu")
    assert "Bez zespołu projektu." in page
    assert 'value="12,5"' in page  # shown back the Polish way
    # The call's row offers only its number: no name to type, nothing to remove.
    assert 'name="indicators-0-name"' not in page
    assert 'name="indicators-0-DELETE"' not in page
    assert 'name="indicators-1-DELETE"' in page


def test_results_section_saves_the_calls_number_and_own_rows_in_order(client):
    call = call_requiring(PARTICIPANTS)
    application = complete_draft(call=call)
    client.force_login(application.applicant)
    (indicator,) = call.indicators.all()

    response = client.post(
        results_url(application),
        results_post(
            application,
            fixed={indicator: "40"},
            own=[("Trasa rajdu", "12,5", "km"), ("Spotkania sąsiedzkie", "3", "wydarzeń")],
        ),
    )

    assert response.status_code == 302
    assert stored(application) == [
        (PARTICIPANTS, Decimal("40"), "osób", indicator.pk),
        ("Trasa rajdu", Decimal("12.5"), "km", None),
        ("Spotkania sąsiedzkie", Decimal("3"), "wydarzeń", None),
    ]


@pytest.mark.parametrize(
    ("planned", "message"),
    [
        ("-5", "Liczba nie może być ujemna."),
        ("12,345", "Po przecinku mogą być najwyżej 2 cyfry."),
        ("czterdzieści", "Wpisz liczbę cyframi, np. 2 albo 1,5."),
    ],
)
def test_indicator_number_is_refused_beside_the_field_and_what_was_typed_stays(
    client, planned, message
):
    call = call_requiring(PARTICIPANTS)
    application = with_indicators(complete_draft(call=call))
    client.force_login(application.applicant)
    (indicator,) = call.indicators.all()
    before = stored(application)

    response = client.post(
        results_url(application),
        results_post(application, fixed={indicator: planned}, own=[("Nowy wskaźnik", "7", "osób")]),
    )

    assert response.status_code == 200
    form = response.context["indicators"].forms[0]
    assert form.errors["planned"] == [message]
    assert f'value="{planned}"' in response.text
    assert 'value="Nowy wskaźnik"' in response.text
    assert stored(application) == before


def test_indicator_of_ones_own_must_say_what_how_many_and_in_what(client):
    application = complete_draft()
    client.force_login(application.applicant)

    response = client.post(results_url(application), results_post(application, own=[("", "5", "")]))

    assert response.status_code == 200
    errors = response.context["indicators"].forms[0].errors
    assert errors["name"] == ["Napisz, co policzysz."]
    assert errors["unit"] == ["Wpisz jednostkę, np. osób."]
    assert not application.indicators.exists()


def test_indicators_more_than_the_limit_of_ones_own_are_refused(client):
    application = complete_draft()
    client.force_login(application.applicant)
    rows = [(f"Wskaźnik {n}", "1", "szt.") for n in range(MAX_OWN_INDICATORS + 1)]

    response = client.post(results_url(application), results_post(application, own=rows))

    assert response.status_code == 200
    assert f"najwyżej {MAX_OWN_INDICATORS} własnych wskaźników" in response.text
    assert not application.indicators.exists()
    # The limit itself goes through.
    response = client.post(results_url(application), results_post(application, own=rows[:-1]))
    assert response.status_code == 302
    assert application.indicators.count() == MAX_OWN_INDICATORS


def test_indicators_service_refuses_more_own_rows_than_the_limit():
    application = complete_draft()
    rows = [
        {"call_indicator": None, "name": f"W{n}", "planned": Decimal("1"), "unit": "szt."}
        for n in range(MAX_OWN_INDICATORS + 1)
    ]
    with pytest.raises(ValidationError) as refused:
        application_indicators_save(application=application, rows=rows)
    assert "indicators" in refused.value.message_dict
    assert not application.indicators.exists()


def test_indicator_of_another_call_is_refused(client):
    application = complete_draft()
    foreign = call_requiring("Cudzy wskaźnik").indicators.get()
    client.force_login(application.applicant)

    response = client.post(
        results_url(application), results_post(application, fixed={foreign: "10"})
    )

    assert response.status_code == 200
    assert not application.indicators.exists()
    with pytest.raises(ValidationError):
        application_indicators_save(
            application=application, rows=[{"call_indicator": foreign, "planned": Decimal("1")}]
        )


def test_indicators_autosave_stores_the_table_and_returns_a_refused_number(client):
    call = call_requiring(PARTICIPANTS)
    application = complete_draft(call=call)
    (indicator,) = call.indicators.all()
    client.force_login(application.applicant)
    url = reverse("applicants:section_autosave", args=[application.pk, "results"])

    saved = client.post(url, results_post(application, fixed={indicator: "25"}))
    refused = client.post(url, results_post(application, fixed={indicator: "-1"}))

    assert saved.status_code == 200
    assert refused.status_code == 400
    assert refused.json()["errors"]["indicators-0-planned"] == ["Liczba nie może być ujemna."]
    assert stored(application) == [(PARTICIPANTS, Decimal("25"), "osób", indicator.pk)]


def test_results_section_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    call = call_requiring(PARTICIPANTS)
    application = with_indicators(complete_draft(call=call))
    client.force_login(application.applicant)
    with django_assert_max_num_queries(40) as few:
        client.get(results_url(application))
    call_requiring(*(f"Wskaźnik {n}" for n in range(5)), call=call)
    rows = [
        {"call_indicator": None, "name": f"Własny {n}", "planned": Decimal(n), "unit": "szt."}
        for n in range(10)
    ]
    application_indicators_save(application=application, rows=rows)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(results_url(application))
    assert response.text.count('name="indicators-') > 10 * 3


# --- Submission -----------------------------------------------------------------------


def test_submission_is_refused_while_a_required_indicator_has_no_number(client):
    call = call_requiring(PARTICIPANTS)
    application = complete_draft(call=call)
    client.force_login(application.applicant)

    page = client.get(reverse("applicants:submit", args=[application.pk])).text

    assert f"Podaj planowaną liczbę dla „{PARTICIPANTS}” (osób)." in page
    assert f'href="{results_url(application)}#id_indicators-0-planned"' in page
    with pytest.raises(SubmissionRefused):
        application_submit(
            application=application,
            by=application.applicant,
            consents=CONSENTS,
            arrived_at=timezone.now(),
        )


def test_submission_goes_through_once_the_required_number_is_given():
    call = call_requiring(PARTICIPANTS)
    application = with_indicators(complete_draft(call=call), participants="0")

    application_submit(
        application=application,
        by=application.applicant,
        consents=CONSENTS,
        arrived_at=timezone.now(),
    )

    application.refresh_from_db()
    assert application.reference_number


# --- The frozen version, the diff and the pages ----------------------------------------


def submitted(call=None):
    call = call or call_requiring(PARTICIPANTS)
    application = with_indicators(complete_draft(call=call))
    application_submit(
        application=application,
        by=application.applicant,
        consents=CONSENTS,
        arrived_at=timezone.now(),
    )
    application.refresh_from_db()
    return application


def test_submitted_version_keeps_the_indicators_as_given():
    application = submitted()
    indicator = application.call.indicators.get()

    assert application.versions.get().content["indicators"] == [
        {"name": PARTICIPANTS, "unit": "osób", "planned": "40", "call_indicator_id": indicator.pk},
        {"name": "Trasa rajdu", "unit": "km", "planned": "12.5", "call_indicator_id": None},
    ]


def test_version_diff_says_what_changed_in_the_indicators_in_words():
    old = {"indicators": [{"name": PARTICIPANTS, "unit": "osób", "planned": "40"}]}
    new = {
        "indicators": [
            {"name": PARTICIPANTS, "unit": "osób", "planned": "45"},
            {"name": "Trasa rajdu", "unit": "km", "planned": "12.5"},
        ]
    }

    (change,) = version_diff(old, new)

    assert change.label == "Planowane wskaźniki"
    removed = " ".join(s.text for s in change.segments if s.kind == "removed")
    added = " ".join(s.text for s in change.segments if s.kind == "added")
    assert "40" in removed
    assert "45" in added and "Trasa rajdu: 12,50 km" in added


def test_version_diff_of_an_old_version_without_indicators_shows_the_new_ones():
    (change,) = version_diff(
        {}, {"indicators": [{"name": PARTICIPANTS, "unit": "osób", "planned": "40"}]}
    )
    assert "".join(s.text for s in change.segments) == f"{PARTICIPANTS}: 40 osób"


def test_coordinator_sees_the_indicators_on_the_application_page(client):
    application = submitted()
    client.force_login(CoordinatorFactory())

    page = client.get(reverse("applicants_manage:detail", args=[application.pk])).text

    assert "Planowane wskaźniki" in page
    assert PARTICIPANTS in page and "12,50" in page and "km" in page


def test_applicant_sees_their_indicators_and_another_applicant_gets_404(client):
    application = submitted()
    client.force_login(application.applicant)
    assert "Trasa rajdu" in client.get(application.get_absolute_url()).text

    client.force_login(UserFactory())
    assert client.get(application.get_absolute_url()).status_code == 404
    assert client.get(results_url(application)).status_code == 404


def test_old_version_without_indicators_still_shows_without_the_table(client):
    application = submitted()
    version = application.versions.get()
    content = dict(version.content)
    del content["indicators"]
    type(version).objects.filter(pk=version.pk).update(content=content)
    client.force_login(CoordinatorFactory())

    response = client.get(reverse("applicants_manage:detail", args=[application.pk]))

    assert response.status_code == 200
    assert "Planowane wskaźniki" not in response.text
    assert application.expected_results in response.text


def pdf_text(response) -> str:
    assert response.status_code == 200
    pdf = b"".join(response.streaming_content)
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    return " ".join(text.split())


def test_application_pdf_lists_the_indicators(client):
    application = submitted()
    render_waiting_pdf_copies()
    client.force_login(application.applicant)

    text = pdf_text(client.get(reverse("applicants:version_pdf", args=[application.pk, 1])))

    assert "Planowane wskaźniki" in text
    assert f"{PARTICIPANTS} 40 osób" in text
    assert "Trasa rajdu 12,50 km" in text


# --- The call's indicators once used; privacy -----------------------------------------------


def test_call_indicator_with_planned_numbers_keeps_its_unit_and_stays(client):
    application = with_indicators(complete_draft(call=call_requiring(PARTICIPANTS)))
    call = application.call
    client.force_login(CoordinatorFactory())
    response = client.get(parts_url(call, "indicators"))
    data = as_sent(response.context["formset"])

    changed_unit = {**data, "parts-0-unit": "godz."}
    refused = client.post(parts_url(call, "indicators"), changed_unit)
    deleted = client.post(parts_url(call, "indicators"), {**data, "parts-0-DELETE": "on"})
    renamed = client.post(
        parts_url(call, "indicators"), {**data, "parts-0-name": "Uczestnicy i uczestniczki"}
    )

    assert refused.status_code == 200
    assert "wykorzystano już w 1 wniosku, więc nie można zmienić pól: jednostka" in refused.text
    assert deleted.status_code == 200
    assert "wykorzystano już w 1 wniosku, więc tej pozycji nie można usunąć" in deleted.text
    assert renamed.status_code == 302
    indicator = call.indicators.get()
    assert (indicator.name, indicator.unit) == ("Uczestnicy i uczestniczki", "osób")


def test_my_data_export_lists_the_planned_indicators(client):
    application = with_indicators(complete_draft(call=call_requiring(PARTICIPANTS)))
    client.force_login(application.applicant)

    response = client.post(reverse("privacy:export"))

    data = json.loads(zipfile.ZipFile(io.BytesIO(response.content)).read("data.json"))
    (exported,) = data["applications"]
    assert exported["indicators"] == [
        {"name": PARTICIPANTS, "planned": "40.00", "unit": "osób", "required_by_the_call": True},
        {"name": "Trasa rajdu", "planned": "12.50", "unit": "km", "required_by_the_call": False},
    ]


def test_indicator_rows_cascade_with_the_application():
    application = with_indicators(complete_draft())
    application.delete()
    assert not ApplicationIndicator.objects.exists()


def test_account_deletion_takes_the_persons_name_out_of_the_indicators(
    client, django_capture_on_commit_callbacks
):
    call = call_requiring(PARTICIPANTS)
    user = UserFactory(full_name="Zuzanna Qwertyńska")
    application = with_indicators(complete_draft(call=call, user=user))
    application_indicators_save(
        application=application,
        rows=[
            {"call_indicator": call.indicators.get(), "planned": Decimal("40")},
            {
                "call_indicator": None,
                "name": "Spotkania, które prowadzi Zuzanna Qwertyńska",
                "planned": Decimal("3"),
                "unit": "spotkań",
            },
        ],
    )
    application_submit(
        application=application, by=user, consents=CONSENTS, arrived_at=timezone.now()
    )
    client.force_login(user)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("privacy:delete"), {"email": user.email})

    names = list(ApplicationIndicator.objects.values_list("name", flat=True))
    assert names[0] == PARTICIPANTS
    assert "Qwertyńska" not in names[1]
    assert "Qwertyńska" not in json.dumps(application.versions.get().content, ensure_ascii=False)
