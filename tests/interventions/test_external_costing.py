"""External staff are costed one way: per session at the external hourly rate, or by the external fee.

The worked case is the demo's speech and language programme: 24 sessions of 20 minutes (8 hours), a TA at £18 an
hour and a speech and language therapist at £45 an hour, whose NHS invoice is £12 a session (£288). Costed both
ways, as it was, the therapist cost £360 + £288. Per session: £144 + £360 = £504; by the fee: £144 + £288 = £432.
"""

from __future__ import annotations

import datetime as dt
import importlib
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.urls import reverse

from interventions import costing
from interventions.groups import services
from interventions.models import ExternalCosting, Intervention, InterventionStaff, StaffRate
from tests import factories as f

from .test_groups import _form_data

D = Decimal
RATES = {"ta": D("18.00"), "external": D("45.00")}
STAFF = [("Ana TA", "ta"), ("Speech and language therapist (NHS)", "external")]


def test_per_session_or_by_the_fee_never_both():
    per_session = costing.cost_breakdown(sessions=24, minutes_per_session=20, staff=STAFF, rates=RATES)
    assert [line.cost for line in per_session.staff] == [D("144.00"), D("360.00")]
    assert per_session.total == D("504.00")
    by_fee = costing.cost_breakdown(
        sessions=24, minutes_per_session=20, staff=STAFF, rates=RATES, external=D("288"), external_by_fee=True
    )
    therapist = by_fee.staff[1]
    assert therapist.in_fee and therapist.cost == 0 and therapist.hours == D("8.00")
    assert by_fee.total == D("432.00")
    # With the fee paying, a missing external rate is no problem to report.
    no_rate = costing.cost_breakdown(
        sessions=24, minutes_per_session=20, staff=STAFF, rates={"ta": D("18")}, external=D("288"),
        external_by_fee=True,
    )  # fmt: skip
    assert no_rate.missing_rates == [] and no_rate.total == D("432.00")


@pytest.fixture
def speech_form(world):
    StaffRate.objects.create(school=world.school, role="ta", hourly_rate=D("18.00"))
    StaffRate.objects.create(school=world.school, role="external", hourly_rate=D("45.00"))
    return _form_data(
        name="Speech and language programme", area="language", wave="3", days=["1", "3"],
        minutes_per_session="20", start_date="2026-09-15", end_date="2026-12-03", external_cost="288",
        lead=str(world.users["ta"].pk), lead_role="ta",
        **{"staff-0-external_name": "Speech and language therapist (NHS)", "staff-0-role": "external"},
    )  # fmt: skip


@pytest.mark.django_db
def test_the_form_asks_how_external_staff_are_paid(client, world, speech_form):
    client.force_login(world.users["senco"])
    url = reverse("interventions:intervention_new")
    page = client.get(url).content.decode()
    assert "How external staff are paid" in page
    choices = page[page.index('name="external_costing"') - 200 : page.index('id="id_external_costing_1"')]
    assert 'value="session"' in choices and "checked" not in choices  # nothing chosen for the SENCO
    response = client.post(url, speech_form)
    assert response.status_code == 200 and not Intervention.objects.exists()
    assert "Say how the external staff are paid" in response.content.decode()
    assert "external_costing" in response.context["form"].errors


@pytest.mark.django_db
def test_per_session_with_a_fee_as_well_is_refused(client, world, speech_form):
    client.force_login(world.users["senco"])
    response = client.post(reverse("interventions:intervention_new"), {**speech_form, "external_costing": "session"})
    assert response.status_code == 200 and not Intervention.objects.exists()
    message = response.context["form"].errors["external_costing"][0]
    assert "costed per session" in message and "£288.00" in message and "choose one" in message


@pytest.mark.django_db
def test_paid_by_the_fee_the_therapist_is_costed_once(client, world, speech_form):
    client.force_login(world.users["senco"])
    response = client.post(reverse("interventions:intervention_new"), {**speech_form, "external_costing": "fee"})
    group = Intervention.objects.get()
    assert response.status_code == 302 and group.external_costing == ExternalCosting.FEE
    # Tuesdays and Thursdays from 15 Sep to 3 Dec 2026: 12 weeks = 24 sessions.
    detail = client.get(reverse("interventions:detail", args=[group.pk]))
    cost = detail.context["cost"]
    assert cost.sessions == 24 and cost.total == D("432.00")
    page = detail.content.decode()
    assert "in the fee" in page and "external staff are paid by it, not per session" in page
    # Per session with no fee is the other honest choice: £504.
    per_session = {**speech_form, "name": "Speech 2", "external_costing": "session", "external_cost": "0"}
    assert client.post(reverse("interventions:intervention_new"), per_session).status_code == 302
    second = Intervention.objects.get(name="Speech 2")
    assert client.get(reverse("interventions:detail", args=[second.pk])).context["cost"].total == D("504.00")


@pytest.mark.django_db
def test_the_service_refuses_both_whatever_calls_it(world):
    fields = {
        "name": "Speech", "area": "language", "start_date": dt.date(2026, 9, 15), "days": [1],
        "external_cost": D("100"), "external_costing": ExternalCosting.SESSION,
    }  # fmt: skip
    therapist = services.StaffMember(role="external", external_name="Therapist")
    with pytest.raises(ValidationError) as excinfo:
        services.intervention_create(school=world.school, fields=fields, staff=[therapist], by=None)
    assert "external_costing" in excinfo.value.message_dict
    # A fee with no external staff (an agency's invoice) is fine either way.
    made = services.intervention_create(school=world.school, fields=fields, staff=[], by=None)
    assert made.external_cost == D("100")


@pytest.mark.django_db
def test_the_data_migration_moves_interventions_with_a_fee_to_the_fee(world):
    migration = importlib.import_module("interventions.migrations.0004_external_costing")
    with_fee = f.InterventionFactory(school=world.school, external_cost=D("288"))
    InterventionStaff.objects.create(intervention=with_fee, external_name="Therapist", role="external")
    without = f.InterventionFactory(school=world.school, external_cost=D("0"))
    InterventionStaff.objects.create(intervention=without, external_name="Tutor", role="external")
    migration.fee_where_there_is_one(django_apps, None)
    with_fee.refresh_from_db()
    without.refresh_from_db()
    assert with_fee.external_costing == ExternalCosting.FEE and with_fee.external_by_fee
    assert without.external_costing == ExternalCosting.SESSION
    migration.back_to_sessions(django_apps, None)
    with_fee.refresh_from_db()
    assert with_fee.external_costing == ExternalCosting.SESSION
