"""The district's tables printed from the browser: the district plans and the district summary
link the print stylesheet (static/css/print-page.css, media="print"), which drops the navbar and
the filters ([data-print-hide], .filter-bar) and lays the wide table out on A4."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.urls import reverse

PRINT_LINK = re.compile(r'<link rel="stylesheet" href="[^"]*/css/print-page\.css" media="print">')


def _print_css() -> str:
    return (Path(settings.BASE_DIR) / "static" / "css" / "print-page.css").read_text()


def test_the_district_plans_link_the_print_stylesheet_and_mark_their_filters(world, client_for):
    html = client_for(world.methodologist).get(reverse("reports:district_plans")).content.decode()
    assert PRINT_LINK.search(html)
    assert re.search(r'<form method="get" class="[^"]*filter-bar[^"]*" data-print-hide>', html)


def test_the_district_summary_links_the_print_stylesheet_and_prints_landscape(world, client_for):
    path = reverse("reports:district_summary", args=[world.district.pk, world.year.start_year])
    html = client_for(world.methodologist).get(path).content.decode()
    assert PRINT_LINK.search(html)
    assert 'data-testid="summary-scroll" data-print-landscape' in html


def test_the_print_stylesheet_hides_the_navbar_and_the_filters_and_unwraps_wide_tables():
    css = _print_css()
    hidden = css.split("{ display: none !important; }")[0]
    for selector in ("nav.navbar", "[data-print-hide]", ".filter-bar", ".btn"):
        assert selector in hidden, selector
    assert ".table-responsive { overflow: visible !important; }" in css
    assert "@page landscape { size: A4 landscape;" in css
