"""The method's questionnaire (reports:monitoring_method): the method as the class teacher hands it
out — its raters, scale, every quality with its numbered indicator statements, how the level is
computed and its bands written as intervals — to whoever reaches the monitoring, in a number of
queries that does not grow with the qualities."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from reports.monitoring import kapustina, services
from reports.monitoring.scoring import Band, MethodData, band_rows
from tests.helpers import count_queries, login

pytestmark = pytest.mark.django_db


def _url(method) -> str:
    return reverse("reports:monitoring_method", args=[method.pk])


def _cells(html: str, testid: str) -> list[str]:
    return re.findall(rf'data-testid="{testid}">([^<]*)<', html)


def test_the_page_shows_every_quality_with_its_indicators_and_the_bands(world):
    method = services.current_method(6)
    html = login(world.teacher).get(_url(method)).content.decode()
    assert method.name in html and "5–11 классы" in html and "версия 1 (действующая)" in html
    rows = html.split('data-testid="method-quality"')[1:]
    assert len(rows) == 10
    for row, (name, _short, statements) in zip(rows, kapustina.SECONDARY["qualities"], strict=True):
        assert f"<strong>{name}</strong>" in row
        items = re.findall(r"<li>([^<]*)</li>", row.split("</ol>")[0])
        assert items == list(statements)  # numbered by the list, in the method's order
    for value, label in kapustina.SCALE:
        assert f'<td class="num">{value}</td><td>{label}</td>' in html
    assert "ученик (самооценка); классный руководитель." in html
    assert "среднее оценок по 10 качествам, округлённое до 1 знака после запятой" in html
    assert re.findall(r'<tr data-testid="method-band">\s*<th scope="row">([^<]*)<', html) == [
        "высокий", "хороший", "средний", "низкий",
    ]
    assert _cells(html, "band-closed") == ["4,5–5", "4,0–4,4", "2,9–3,9", "1–2,8"]
    assert _cells(html, "band-half-open") == [
        "от 4,5 до 5 включительно", "от 4,0 включительно до 4,5, не включая",
        "от 2,9 включительно до 4,0, не включая", "от 1 включительно до 2,9, не включая",
    ]
    assert 'media="print"' in html and "data-print" in html  # printed without the navigation


@pytest.mark.parametrize("who", ["teacher", "methodologist", "other_district_methodologist", "admin"])
def test_methods_are_read_by_whoever_reaches_the_monitoring(world, who):
    for method in (services.current_method(2), services.current_method(9)):
        assert login(getattr(world, who)).get(_url(method)).status_code == 200


def test_a_login_without_a_person_or_district_gets_404(world):
    assert login(world.outsider).get(_url(services.current_method(9))).status_code == 404
    assert login(world.teacher).get(reverse("reports:monitoring_method", args=[987654])).status_code == 404


def test_the_queries_do_not_grow_with_qualities(world, django_assert_max_num_queries):
    client = login(world.teacher)
    primary, secondary = services.current_method(2), services.current_method(9)  # 5 and 10 qualities
    assert (primary.qualities.count(), secondary.qualities.count()) == (5, 10)
    # session, user, the roles (person, appointments), the method, its qualities, indicators,
    # raters, scale, bands
    with django_assert_max_num_queries(12):
        client.get(_url(secondary))
    assert count_queries(client, _url(primary)) == count_queries(client, _url(secondary))


def _data(bands, *, decimals=1) -> MethodData:
    return MethodData(
        id=1, label="", grade_from=5, grade_to=11, qualities=(), raters=("pupil",),
        scale=((5, ""), (4, ""), (3, ""), (2, ""), (1, "")), decimals=decimals,
        bands=tuple(Band(name, Decimal(lower), Decimal(upper)) for name, lower, upper in bands),
    )


def test_bounds_finer_than_the_mean_are_written_exactly():
    """A band's interval is the rounded means it takes: [3,55; 4) holds 3,6…3,9 of means rounded
    to one decimal; a band no rounded mean falls in is «—» (its stored interval stays)."""
    rows = band_rows(_data([("высокий", "4", "5"), ("хороший", "3.55", "4"), ("узкий", "3.52", "3.55"),
                            ("низкий", "1", "3.52")]))
    assert [row["closed"] for row in rows] == ["4,0–5", "3,6–3,9", None, "1–3,5"]
    assert rows[1]["half_open"] == "от 3,55 включительно до 4,0, не включая"
    whole = band_rows(_data([("высокий", "4", "5"), ("низкий", "1", "4")], decimals=0))
    assert [row["closed"] for row in whole] == ["4–5", "1–3"]
