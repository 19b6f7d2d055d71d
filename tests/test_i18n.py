"""Russian plural forms come from our catalogue (three forms), dates print as 15.10.2025."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import formats, translation
from django.utils.translation import ngettext

from associations.services import years_phrase


@pytest.mark.parametrize(
    ("n", "text"),
    [(0, "0 лет"), (1, "1 год"), (2, "2 года"), (4, "4 года"), (5, "5 лет"), (11, "11 лет"),
     (12, "12 лет"), (21, "21 год"), (22, "22 года"), (25, "25 лет"), (111, "111 лет")],
)
def test_years_have_three_plural_forms(n, text):
    with translation.override("ru"):
        assert years_phrase(n) == text


@pytest.mark.parametrize(("n", "text"), [(1, "1 педагог"), (3, "3 педагога"), (5, "5 педагогов"), (21, "21 педагог")])
def test_template_counts_agree_with_the_number(n, text):
    template = Template(
        "{% load i18n %}{% blocktranslate count counter=n %}{{ counter }} педагог"
        "{% plural %}{{ counter }} педагогов{% endblocktranslate %}"
    )
    with translation.override("ru"):
        assert template.render(Context({"n": n})) == text


def test_dates_print_as_day_month_year_with_leading_zeros():
    with translation.override("ru"):
        assert formats.date_format(datetime.date(2025, 9, 5), "SHORT_DATE_FORMAT") == "05.09.2025"
        assert formats.date_format(datetime.date(2025, 10, 15)) == "15.10.2025"
        assert Template("{{ d|date }}").render(Context({"d": datetime.date(2025, 10, 15)})) == "15.10.2025"


def _catalogue_entries():
    path = Path(settings.BASE_DIR) / "locale" / "ru" / "LC_MESSAGES" / "django.po"
    return path.read_text(encoding="utf-8").split("\n\n")[1:]


def test_the_catalogue_has_no_fuzzy_guesses():
    """makemessages marks a new msgid «fuzzy» with a neighbour's forms: shipped, the page would
    say «3 члена объединения» where it means «3 вопроса»."""
    assert [entry for entry in _catalogue_entries() if "fuzzy" in entry] == []


def test_every_plural_entry_has_three_russian_forms():
    incomplete = [
        entry
        for entry in _catalogue_entries()
        if "msgid_plural" in entry
        and not all(re.search(rf'^msgstr\[{i}\] "[^"]+"', entry, re.M) for i in range(3))
    ]
    assert incomplete == []


@pytest.mark.parametrize(
    ("singular", "plural", "n", "text"),
    [
        ("%(counter)s вопрос", "%(counter)s вопросов", 3, "3 вопроса"),
        ("%(counter)s решение на контроле", "%(counter)s решений на контроле", 21, "21 решение на контроле"),
        ("просрочено на %(counter)s день", "просрочено на %(counter)s дней", 12, "просрочено на 12 дней"),
        ("Найдено %(counter)s событие", "Найдено %(counter)s событий", 44, "Найдено 44 события"),
    ],
)
def test_meeting_pages_count_in_russian(singular, plural, n, text):
    with translation.override("ru"):
        assert ngettext(singular, plural, n) % {"counter": n} == text
