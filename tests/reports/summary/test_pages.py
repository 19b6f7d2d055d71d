"""The district summary's page (`reports:district_summary`): who reads it (the district's
methodologist, its district official, its staff, a superuser; anyone else 404), what it shows
(a row per school МО with a link to its analysis, the totals and averages, «по анализу», the
year switcher, the documents), the sort in the URL, and a fixed number of queries."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from associations.models import StaffDistrict
from reports.analysis.figures import figures_for
from tests import factories as f


def _url(world, year=None, district=None, **query):
    path = reverse("reports:district_summary", args=[(district or world.district).pk,
                                                     (year or world.year).start_year])
    return path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _rows(html: str) -> list[str]:
    return re.findall(r'data-testid="summary-row" data-association="(\d+)"', html)


def test_the_methodologist_reads_every_school_of_the_district(world, district, client_for):
    response = client_for(world.methodologist).get(_url(world))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Сводная таблица по школам района за" in html and world.district.name in html
    assert _rows(html) == [str(district[k].pk) for k in ("empty", "mo", "other_mo", "extra")]
    assert str(world.other_district_mo.pk) not in _rows(html)
    year = world.year.start_year
    assert f'href="{reverse("reports:analysis", args=[world.mo.pk, year])}"' in html
    assert 'class="table-responsive"' in html
    assert 'data-testid="summary-totals"' in html and 'data-testid="summary-averages"' in html
    assert f'href="{reverse("reports:district_summary_pdf", args=[world.district.pk, year])}"' in html
    assert f'href="{reverse("reports:district_summary_xlsx", args=[world.district.pk, year])}"' in html
    # The year switcher: every academic year, this one current.
    previous = reverse("reports:district_summary", args=[world.district.pk, year - 1])
    assert f'href="{previous}"' in html
    current = reverse("reports:district_summary", args=[world.district.pk, year])
    assert f'class="nav-link py-1 active" aria-current="page" href="{current}"' in html


def test_totals_and_averages_rows(world, district, client_for):
    html = client_for(world.methodologist).get(_url(world)).content.decode()
    totals = html.split('data-testid="summary-totals"')[1].split("</tr>")[0]
    averages = html.split('data-testid="summary-averages"')[1].split("</tr>")[0]
    consultations = 2 + 3 + 1  # i + 1 of each filled МО (1, 2, 0), none of the empty one
    assert f'data-column="consultations">{consultations}</td>' in totals
    assert 'data-column="consultations">1,5</td>' in averages  # 6 of 4 schools
    assert re.search(r'data-column="attendance">\d+,\d\u00a0%</td>', totals)
    assert 'data-column="attendance"></td>' in averages


def test_a_frozen_row_is_marked(world, district, client_for):
    f.analysis_of(world.mo, world.year, status="submitted", by=world.head,
                  figures=figures_for(world.mo, world.year).to_data())
    html = client_for(world.methodologist).get(_url(world)).content.decode()
    row = html.split(f'data-association="{world.mo.pk}"')[1].split("</tr>")[0]
    assert "на рассмотрении" in row and 'data-testid="frozen">по анализу' in row
    other = html.split(f'data-association="{world.other_mo.pk}"')[1].split("</tr>")[0]
    assert "не начат" in other and "frozen" not in other


def test_sort_links_and_aria_sort(world, district, client_for):
    client = client_for(world.methodologist)
    html = client.get(_url(world)).content.decode()
    assert re.search(r'aria-sort="ascending" data-sort="school"><a [^>]*href="\?sort=school&amp;order=desc"', html)
    assert re.search(r'aria-sort="none" data-sort="talks"><a [^>]*href="\?sort=talks&amp;order=asc"', html)
    html = client.get(_url(world, sort="consultations", order="desc")).content.decode()
    assert _rows(html) == [str(district[k].pk) for k in ("other_mo", "mo", "extra", "empty")]
    assert re.search(r'aria-sort="descending" data-sort="consultations"><a [^>]*href="\?sort=consultations&amp;'
                     r'order=asc"', html)
    # The documents and the year switcher keep the sort.
    assert "/pdf/?sort=consultations&amp;order=desc" in html and "/xlsx/?sort=consultations&amp;order=desc" in html
    # Unknown values: the default sort, no error.
    response = client.get(_url(world, sort="drop table", order="up"))
    assert response.status_code == 200
    assert _rows(response.content.decode()) == [str(district[k].pk) for k in ("empty", "mo", "other_mo", "extra")]


def test_the_district_official_and_staff_read_it(world, district, client_for):
    official = f.district_official(world.district).person.user
    response = client_for(official).get(_url(world))
    assert response.status_code == 200
    html = response.content.decode()
    assert len(_rows(html)) == 4
    # The school МО's analysis is not the official's to read (the РМО's is): no link to it.
    assert reverse("reports:analysis", args=[world.mo.pk, world.year.start_year]) not in html
    staff = f.UserFactory(username="otdel", is_staff=True)
    StaffDistrict.objects.create(user=staff, district=world.district)
    assert client_for(staff).get(_url(world)).status_code == 200
    assert client_for(world.admin).get(_url(world)).status_code == 200


@pytest.mark.parametrize("who", ["other_district_methodologist", "deputy", "head", "teacher", "outsider"])
def test_anyone_else_gets_404(world, client_for, who):
    assert client_for(getattr(world, who)).get(_url(world)).status_code == 404


def test_another_districts_official_gets_404(world, client_for):
    official = f.district_official(world.other_district, username="ozerny_head").person.user
    assert client_for(official).get(_url(world)).status_code == 404
    assert client_for(official).get(_url(world, district=world.other_district)).status_code == 200


def test_an_unknown_year_is_404(world, client_for):
    path = reverse("reports:district_summary", args=[world.district.pk, 1990])
    assert client_for(world.methodologist).get(path).status_code == 404


def test_anonymous_goes_to_the_login_page(world, client):
    response = client.get(_url(world))
    assert response.status_code == 302 and "login" in response["Location"]


def test_no_school_mo(world, client_for):
    html = client_for(world.other_district_methodologist).get(
        _url(world, district=world.other_district)
    ).content.decode()
    assert len(_rows(html)) == 1  # the far school's МО
    world.other_district_mo.delete()
    html = client_for(world.other_district_methodologist).get(
        _url(world, district=world.other_district)
    ).content.decode()
    assert 'data-testid="no-schools"' in html


def test_the_page_queries_do_not_grow_with_the_schools(world, two_schools, more_schools, client_for,
                                                       django_assert_num_queries):
    client = client_for(world.methodologist)
    # The session, the user, the user's roles (the person with the district official's role,
    # the staff district); then the selector's 17 (see test_selectors): the district, the year,
    # the years, the school МО, their analyses and twelve grouped queries of the figures.
    with django_assert_num_queries(21):
        response = client.get(_url(world))
    assert len(_rows(response.content.decode())) == 2
    more_schools(4, start=3)
    with django_assert_num_queries(21):
        response = client.get(_url(world, sort="talks", order="desc"))
    assert len(_rows(response.content.decode())) == 6
