"""The district table: every association's plan for a year, for the district methodologist
(their district) and the administrator (all); filters, XLSX export, flat query counts."""

from __future__ import annotations

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from associations.models import AcademicYear, AnnualPlan, PlanTransition
from reports.rendering import XLSX_MIMETYPE
from tests import factories as f

Status = AnnualPlan.Status
URL = reverse("reports:district_plans")
XLSX_URL = reverse("reports:district_plans_xlsx")


def rows_of(response):
    return {row.association.name: row for row in response.context["table"].rows}


@pytest.fixture
def plans(world):
    """The first district: the МО of school 1 approved with a history, the РМО submitted,
    school 2 without a plan. The second district: an approved plan nobody here may see."""
    mo_plan = f.plan_document(world.mo, world.year, items=8)
    at = timezone.make_aware(datetime.datetime(2025, 9, 20, 14, 30))
    PlanTransition.objects.create(
        plan=mo_plan, from_status=Status.DRAFT, to_status=Status.SUBMITTED, by=world.head, by_name="Волкова А.",
        at=at,
    )
    PlanTransition.objects.create(
        plan=mo_plan, from_status=Status.SUBMITTED, to_status=Status.APPROVED, by=world.deputy,
        by_name="Петрова Е.", at=at + datetime.timedelta(days=2),
    )
    rmo_plan = f.plan_document(world.rmo, world.year, items=3, status=Status.SUBMITTED)
    far_plan = f.plan_document(world.other_district_mo, world.year, items=2)
    return {"mo": mo_plan, "rmo": rmo_plan, "far": far_plan}


def test_methodologist_sees_every_association_of_the_district(world, plans, client_for):
    response = client_for(world.methodologist).get(URL)
    assert response.status_code == 200
    rows = rows_of(response)
    assert set(rows) == {world.rmo.name, world.mo.name, world.other_mo.name}
    assert world.other_district_mo.name not in response.content.decode()

    mo = rows[world.mo.name]
    assert mo.plan.pk == plans["mo"].pk
    assert mo.plan.item_count == 8
    assert mo.percent == 25  # items 1 and 5 of 8 are done
    assert rows[world.other_mo.name].plan is None

    html = response.content.decode()
    assert "Планы района" in html  # the navigation item
    assert "утверждён" in html and "на рассмотрении" in html and "нет плана" in html
    assert "Петрова Е., 22.09.2025 14:30" in html  # the last transition: who and when
    assert reverse("associations:plan", args=[plans["mo"].pk]) in html
    assert reverse("reports:plan_pdf", args=[plans["mo"].pk]) in html
    assert "25 %" in html


def test_admin_sees_every_district(world, plans, client_for):
    rows = rows_of(client_for(world.admin).get(URL))
    assert {world.mo.name, world.other_district_mo.name, world.other_district_rmo.name} <= set(rows)


@pytest.mark.parametrize("who", ["deputy", "head", "teacher", "other_deputy", "outsider"])
@pytest.mark.parametrize("url", [URL, XLSX_URL])
def test_others_get_404(world, client_for, who, url):
    assert client_for(getattr(world, who)).get(url).status_code == 404


def test_anonymous_is_sent_to_login(world, client):
    assert client.get(URL).status_code == 302


def test_navigation_item_only_for_methodologist_and_admin(world, client_for):
    link = f'href="{URL}"'
    assert link in client_for(world.methodologist).get(URL).content.decode()
    assert link in client_for(world.admin).get(URL).content.decode()
    assert link not in client_for(world.deputy).get(reverse("associations:list")).content.decode()


def test_filter_by_school_status_and_year(world, plans, client_for):
    client = client_for(world.methodologist)
    assert set(rows_of(client.get(URL, {"school": world.school.pk}))) == {world.mo.name}
    assert set(rows_of(client.get(URL, {"status": Status.SUBMITTED}))) == {world.rmo.name}
    assert set(rows_of(client.get(URL, {"status": Status.APPROVED}))) == {world.mo.name}
    assert set(rows_of(client.get(URL, {"status": "none"}))) == {world.other_mo.name}

    last_year = AcademicYear.objects.get_or_create(start_year=world.year.start_year - 1)[0]
    old = f.plan_document(world.other_mo, last_year, items=1, status=Status.DRAFT)
    rows = rows_of(client.get(URL, {"year": last_year.pk}))
    assert rows[world.other_mo.name].plan.pk == old.pk
    assert rows[world.mo.name].plan is None


def test_school_filter_offers_only_the_district(world, client_for):
    form = client_for(world.methodologist).get(URL).context["table"].form
    assert set(form.fields["school"].queryset) == {world.school, world.other_school}
    response = client_for(world.methodologist).get(URL, {"school": world.other_district_mo.school_id})
    assert response.status_code == 200
    assert "school" in response.context["table"].form.errors


@pytest.mark.parametrize(
    "params",
    [
        {"year": "abc"}, {"year": "99999999999999999999999"}, {"year": "-1"}, {"year": "1.5"},
        {"year": "\x00"}, {"school": "zzz"}, {"school": "99999999999999999999999"}, {"school": "0"},
        {"status": "bogus"}, {"status": "' OR 1=1 --"}, {"year": ["1", "2"], "school": ["x", "y"]},
    ],
)
def test_malformed_filters_never_500(world, plans, client_for, params):
    client = client_for(world.methodologist)
    response = client.get(URL, params)
    assert response.status_code == 200
    # An invalid filter is ignored: the table falls back to the current year, all rows.
    rows = rows_of(response)
    if "school" not in params and "status" not in params:
        assert len(rows) == 3
    assert client.get(XLSX_URL, params).status_code == 200


def test_xlsx_export_has_the_rows_with_the_same_filters(world, plans, client_for):
    response = client_for(world.methodologist).get(XLSX_URL, {"status": Status.APPROVED})
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_MIMETYPE
    year = world.year.start_year
    assert response["Content-Disposition"] == f'attachment; filename="district-plans-{year}-{year + 1}.xlsx"'
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert str(world.year) in rows[0][0]
    header = next(i for i, row in enumerate(rows) if row[0] == "Объединение")
    assert ws.cell(row=header + 1, column=1).font.bold
    assert ws.freeze_panes == f"A{header + 2}"
    assert rows[header + 1 :] == [
        (world.mo.name, world.school.short_name, "утверждён", "утверждён", "Петрова Е.",
         datetime.datetime(2025, 9, 22, 14, 30), 8, 25),
    ]


def test_xlsx_export_without_filters_lists_every_association(world, plans, client_for):
    ws = load_workbook(io.BytesIO(client_for(world.methodologist).get(XLSX_URL).content)).active
    names = [row[0] for row in ws.iter_rows(values_only=True)]
    assert {world.rmo.name, world.mo.name, world.other_mo.name} <= set(names)
    assert world.other_district_mo.name not in names


def test_district_table_queries_do_not_grow_with_plans(world, client_for, django_assert_num_queries):
    client = client_for(world.methodologist)
    f.district_plans(world, 5)
    with CaptureQueriesContext(connection) as five:
        assert len(rows_of(client.get(URL))) == 5 + 3
    f.district_plans(world, 45)
    with CaptureQueriesContext(connection) as fifty:
        assert len(rows_of(client.get(URL))) == 50 + 3
    assert len(five) == len(fifty)

    # 1. the session; 2. the user;
    # 3. roles: the user's person; 4. roles: their current head appointments;
    # 5. the current academic year (the default of the year filter); 6. all the years (its choices);
    # 7. the associations of the district, with school and district;
    # 8. their plans for the year, with items and done items counted and the last transition;
    # 9. the school filter's choices.
    with django_assert_num_queries(9):
        client.get(URL)


def test_district_xlsx_queries_do_not_grow_with_plans(world, client_for):
    client = client_for(world.methodologist)
    f.district_plans(world, 5)
    with CaptureQueriesContext(connection) as five:
        client.get(XLSX_URL)
    f.district_plans(world, 45)
    with CaptureQueriesContext(connection) as fifty:
        response = client.get(XLSX_URL)
    assert len(five) == len(fifty)
    assert len(list(load_workbook(io.BytesIO(response.content)).active.iter_rows())) >= 53
