"""The bank's search (meetings.bank.search): Russian word forms, ё and е, ranking, highlighting,
facets, pagination, scoping, and its query count. Run on SQLite and on PostgreSQL: the expected
hits are the same literal sets for both engines."""

from __future__ import annotations

import random
import re
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings.bank import search
from meetings.bank.models import EventForm, Material, UpbringingDirection, UpbringingModule
from meetings.bank.search import material_index, material_search, stems
from tests import factories as f
from tests.helpers import login

LIST = reverse("meetings:materials")


def _params(**values) -> QueryDict:
    return QueryDict(urlencode(values, doseq=True))


def _titles(result) -> list[str]:
    return [m.title for m in result.page.object_list]


def _hits(user, q: str, **filters) -> set[str]:
    return set(_titles(material_search(user=user, params=_params(q=q, **filters))))


@pytest.fixture
def bank(world):
    """Cards of the world's school the class teacher sees, and two it must never see."""
    teacher = world.teacher_person
    colleague = f.PersonFactory(school=world.school, last_name="Белова")
    far = f.PersonFactory(school=world.other_school, last_name="Орлова")
    patriotic = UpbringingDirection.objects.get(name="Патриотическое воспитание")
    ecology = UpbringingDirection.objects.get(name="Экологическое воспитание")
    class_hour = EventForm.objects.get(name="Классный час")
    quiz = EventForm.objects.get(name="Викторина, квиз, интеллектуальная игра")
    cards = {
        "title": f.MaterialFactory(
            owner=teacher, title="Цикл классных часов «Наша Родина»", goal="", tasks="",
            description="Разговор о стране, её истории и людях.", form=class_hour, direction=patriotic,
            grades=[5, 6],
        ),
        "description": f.MaterialFactory(
            owner=colleague, title="Праздник осени", goal="", tasks="",
            description="Классный час о Родине и о природе родного края.", form=class_hour, direction=ecology,
            grades=[5],
        ),
        "yolka": f.MaterialFactory(
            owner=colleague, title="Ёлочная игрушка своими руками", goal="Развитие творчества", tasks="",
            description="Мастер-класс: ёлка, шары, гирлянды.", form=quiz, direction=ecology, grades=[3],
        ),
        "district": f.MaterialFactory(
            owner=far, visibility=Material.Visibility.DISTRICT, title="Родина начинается с семьи",
            goal="", tasks="", description="Семейный праздник.", form=class_hour, direction=patriotic,
            grades=[7],
        ),
        # Never seen by the class teacher:
        "draft": f.MaterialFactory(
            owner=colleague, visibility=Material.Visibility.DRAFT, title="Черновик: классный час о Родине",
            goal="", tasks="", description="", form=class_hour, direction=patriotic,
        ),
        "other_school": f.MaterialFactory(
            owner=far, title="Классный час «Родина» в другой школе", goal="", tasks="", description="",
            form=class_hour, direction=patriotic,
        ),
    }
    material_index(Material.objects.all())
    return {key: m.title for key, m in cards.items()}


def test_stems_of_word_forms_and_yo():
    assert stems("Классный час о Родине") == stems("классных часов Родина") == ["классн", "час", "родин"]
    assert stems("Ёлка") == stems("ЕЛКИ") == stems("ёлками")
    assert stems("и в о на, для!") == []  # PostgreSQL's stop words
    assert stems("ро\u0301дина") == stems("родина")  # a stress mark keeps the word whole


@pytest.mark.parametrize(("query", "expected"), [
    ("классный час о Родине", {"title", "description", "district"}),  # the district's by its form
    ("Родина", {"title", "description", "district"}),
    ("родиной", {"title", "description", "district"}),  # another case, the same hits
    ("«Родина»!", {"title", "description", "district"}),  # punctuation is no word
    ("ёлка", {"yolka"}),
    ("елки", {"yolka"}),  # е for ё
    ("ЁЛОЧНЫЕ", {"yolka"}),
    ("классный час о Родине природа", {"description"}),  # every word must match
    ("патриотическое", {"title", "district"}),  # the direction's name is searched too (weight D)
    ("Белова", {"description", "yolka"}),  # and the authors' surnames
    ("космонавтика", set()),
    ("родина космонавтика", set()),
])
def test_the_same_hits_on_every_database(world, bank, query, expected):
    assert _hits(world.teacher, query) == {bank[key] for key in expected}


WORD_FORMS = """
    Родина Родины Родине Родиной родного край края краю ёлка ёлки елке ёлочный праздник праздника
    праздники классный классного классных час часа часов беседа беседы беседе викторина викторины
    семья семьи семье традиции традиций осень осенний осенние природа природы природе экология
    экологический и в о на для с по к у из Россия России героев герои Отечества отечество
    школа школы школе музей музея музее спорт спортивный здоровье здоровья
""".split()


def test_the_engine_agrees_with_a_reference_in_python(world):
    """Seeded random texts of word forms and queries of other forms: the hits are the materials
    whose stems hold every stem of the query, on SQLite and on PostgreSQL alike."""
    rnd = random.Random(12)
    made = []
    for i in range(30):
        made.append(f.MaterialFactory(
            owner=world.teacher_person, title=" ".join(rnd.choices(WORD_FORMS, k=4)) + f" {i}",
            goal=" ".join(rnd.choices(WORD_FORMS, k=6)), tasks="",
            description=", ".join(rnd.choices(WORD_FORMS, k=15)) + ".",
        ))
    material_index(Material.objects.all())
    held = {
        m.title: set(stems(" ".join([m.title, m.goal, m.tasks, m.description, m.form.name, m.direction.name,
                                     world.teacher_person.last_name])))
        for m in made
    }
    for _ in range(40):
        query = " ".join(rnd.choices(WORD_FORMS, k=rnd.choice([1, 2, 3])))
        wanted = set(stems(query))
        expected = {t for t, have in held.items() if wanted <= have} if wanted else set(held)
        titles, number = set(), 1
        while True:
            result = material_search(user=world.teacher, params=_params(q=query, page=number))
            titles |= set(_titles(result))
            if not result.page.has_next():
                break
            number += 1
        assert titles == expected, query


def test_a_query_of_stop_words_shows_everything_and_says_so(world, bank, client):
    result = material_search(user=world.teacher, params=_params(q="и в о на"))
    assert result.only_stop_words and result.words == []
    assert set(_titles(result)) == {bank[k] for k in ("title", "description", "yolka", "district")}
    page = login(world.teacher).get(LIST, {"q": "и в о на"})
    assert 'data-testid="only-stop-words"' in page.content.decode()


def test_drafts_of_others_and_other_schools_cards_never_appear(world, bank):
    for user in (world.teacher, world.head, world.deputy):
        hits = _hits(user, "классный час Родина")
        assert bank["draft"] not in hits and bank["other_school"] not in hits
    assert bank["other_school"] in _hits(world.other_deputy, "Родина")
    # The methodologist sees the district's school cards, but nobody's draft.
    hits = _hits(world.methodologist, "Родина")
    assert bank["other_school"] in hits and bank["draft"] not in hits


def test_a_title_hit_ranks_above_a_description_hit(world, bank):
    titles = _titles(material_search(user=world.teacher, params=_params(q="родина")))
    assert titles.index(bank["title"]) < titles.index(bank["description"])
    assert titles.index(bank["district"]) < titles.index(bank["description"])


def test_ties_are_ordered_by_date_then_newest(world):
    old = f.MaterialFactory(owner=world.teacher_person, title="Акция «Чистый двор»", held_on=None)
    new = f.MaterialFactory(owner=world.teacher_person, title="Акция «Чистый берег»")
    material_index([old, new])
    assert _titles(material_search(user=world.teacher, params=_params(q="акция"))) == [new.title, old.title]


def test_matching_words_are_highlighted_and_the_rest_escaped(world, bank):
    teacher = world.teacher_person
    tricky = f.MaterialFactory(
        owner=teacher, title="<script>alert(1)</script> Родина & мы", goal="", tasks="",
        description="Очень длинное вступление " * 10 + "и вот о Родине речь. " + "Потом ещё текст. " * 30,
    )
    material_index(tricky)
    result = material_search(user=world.teacher, params=_params(q="классный час о Родине"))
    rows = {m.title: m for m in result.page.object_list}
    assert str(rows[bank["title"]].highlighted_title) == (
        "Цикл <mark>классных</mark> <mark>часов</mark> «Наша <mark>Родина</mark>»"
    )
    assert "<mark>Классный</mark> <mark>час</mark> о <mark>Родине</mark>" in str(rows[bank["description"]].snippet)

    result = material_search(user=world.teacher, params=_params(q="родина"))
    row = next(m for m in result.page.object_list if m.pk == tricky.pk)
    assert str(row.highlighted_title) == "&lt;script&gt;alert(1)&lt;/script&gt; <mark>Родина</mark> &amp; мы"
    assert str(row.snippet).startswith("… ") and str(row.snippet).endswith(" …")
    assert "о <mark>Родине</mark> речь" in str(row.snippet)

    page = login(world.teacher).get(LIST, {"q": "родина"}).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; <mark>Родина</mark>" in page and "<script>alert" not in page


def test_facets_count_over_everything_but_their_own_filter(world, bank):
    ecology = UpbringingDirection.objects.get(name="Экологическое воспитание")
    class_hour = EventForm.objects.get(name="Классный час")

    def counts(result, name):
        facet = next(x for x in result.facets if x.name == name)
        return {o.label: o.count for o in facet.options}

    everything = material_search(user=world.teacher, params=_params())
    assert everything.total == 4
    assert counts(everything, "form") == {"Классный час": 3, "Викторина, квиз, интеллектуальная игра": 1}
    assert counts(everything, "grade") == {"3": 1, "5": 2, "6": 1, "7": 1}
    assert counts(everything, "school") == {"МБОУ «СОШ № 1»": 3, "МБОУ «СОШ № 2»": 1}
    assert counts(everything, "year") == {str(world.year): 4}

    chosen = material_search(user=world.teacher, params=_params(direction=ecology.pk))
    assert chosen.total == 2
    # Its own facet counts without itself (every direction still offered), the others within it.
    assert counts(chosen, "direction") == {"Патриотическое воспитание": 2, "Экологическое воспитание": 2}
    assert counts(chosen, "form") == {"Классный час": 1, "Викторина, квиз, интеллектуальная игра": 1}
    assert [o.selected for o in chosen.facets[1].options] == [False, True]

    both = material_search(user=world.teacher, params=_params(direction=ecology.pk, form=class_hour.pk, q="родина"))
    assert _titles(both) == [bank["description"]]
    assert counts(both, "grade") == {"5": 1}
    # Two values of one facet: either of them.
    assert material_search(user=world.teacher, params=_params(grade=["3", "7"])).total == 2
    # The year facet's value is the year's first calendar year, as its links pass it.
    year_option = next(o for o in next(x for x in everything.facets if x.name == "year").options)
    assert material_search(user=world.teacher, params=_params(year=str(world.year.start_year))).total == 4
    assert material_search(user=world.teacher, params=_params(year=str(world.year.start_year - 1))).total == 0
    assert str(world.year.start_year) in str(year_option.value)


def test_a_chosen_value_without_rows_can_still_be_unchosen(world, bank):
    module = UpbringingModule.objects.get(name="Школьный музей")
    result = material_search(user=world.teacher, params=_params(module=module.pk, q="родина"))
    assert result.total == 0
    option = next(x for x in result.facets if x.name == "module").options[0]
    assert (option.label, option.count, option.selected) == ("Школьный музей", 0, True)
    assert "module" not in QueryDict(option.query[1:]) and QueryDict(option.query[1:])["q"] == "родина"


def test_more_filters_level_open_event_and_mine(world, bank):
    open_event = f.MaterialFactory(
        owner=world.teacher_person, title="Открытый классный час", is_open_event=True, level="municipal",
    )
    material_index(open_event)
    assert _hits(world.teacher, "", open="on") == {open_event.title}
    assert _hits(world.teacher, "", level="municipal") == {open_event.title}
    assert _hits(world.teacher, "", mine="on") == {bank["title"], open_event.title}
    assert _hits(world.outsider, "", mine="on") == set()


def test_a_too_long_query_is_refused_next_to_the_field(world, bank):
    result = material_search(user=world.teacher, params=_params(q="родина " * 40))
    assert "q" in result.form.errors and result.query == "" and result.total == 4
    page = login(world.teacher).get(LIST, {"q": "родина " * 40}).content.decode()
    errors = re.search(r'data-testid="q-errors">([^<]*)<', page).group(1)
    assert "Запрос длиннее 200 знаков" in errors
    assert 'aria-invalid="true"' in page


def test_bad_filter_values_are_ignored_and_not_a_500(world, bank):
    page = login(world.teacher).get(LIST, {"form": "x", "grade": "12", "year": "1800", "page": "zz", "level": "?"})
    assert page.status_code == 200
    assert page.context["search"].total == 4


@pytest.mark.parametrize("name", ["form", "direction", "module", "school", "year"])
def test_an_id_too_large_for_the_database_is_a_bad_value_not_a_500(world, bank, name):
    page = login(world.teacher).get(LIST, {name: "99999999999999999999"})
    assert page.status_code == 200
    assert page.context["search"].total == 4


def test_pagination_keeps_every_filter(world):
    teacher = world.teacher_person
    direction = UpbringingDirection.objects.get(name="Трудовое воспитание")
    for i in range(45):
        f.MaterialFactory(owner=teacher, title=f"Субботник № {i}", direction=direction, grades=[8])
    material_index(Material.objects.all())
    client = login(world.teacher)
    page = client.get(LIST, {"q": "субботник", "direction": direction.pk, "grade": "8", "open": ""}).content.decode()
    assert "data-testid=\"material-total\">45 " in page
    links = re.findall(r'<a class="page-link" href="\?([^"]+)"', page)
    assert links, "no page links"
    for link in links:
        params = QueryDict(link.replace("&amp;", "&"))
        assert params["q"] == "субботник" and params["direction"] == str(direction.pk) and params["grade"] == "8"
    assert re.search(r'href="\?[^"]*page=1[^"]*" aria-current="page">1<', page)
    # A facet link keeps the words and resets the page; the search form keeps the facets.
    second = client.get(LIST, {"q": "субботник", "direction": direction.pk, "page": 2}).content.decode()
    assert re.search(r'aria-current="page">2<', second)
    facet = re.search(r'href="\?([^"]+)"[^>]*data-testid="facet-grade-8"', second).group(1).replace("&amp;", "&")
    assert QueryDict(facet).dict() == {"q": "субботник", "direction": str(direction.pk), "grade": "8"}
    assert f'<input type="hidden" name="direction" value="{direction.pk}">' in second
    third = client.get(LIST, {"q": "субботник", "page": 3})
    assert len(third.context["search"].page.object_list) == 5


def test_the_page_shows_a_row_as_the_list_writes_it(world, bank):
    page = login(world.teacher).get(LIST, {"q": "наша родина"}).content.decode()
    material = Material.objects.get(title=bank["title"])
    row = page[page.index(f'data-testid="material-{material.pk}"'):]
    row = row[:row.index("</li>")]
    assert reverse("meetings:material", args=[material.pk]) in row
    assert "Соколова М." in row and "МБОУ «СОШ № 1»" in row and "Классный час" in row
    assert "Патриотическое воспитание" in row and "5, 6" in row
    assert material.held_on.strftime("%d.%m.%Y") in row
    assert '<form method="get"' in page and 'role="search"' in page and '<label class="form-label" for="id_q">' in page


def _query_count(user, params) -> int:
    with CaptureQueriesContext(connection) as queries:
        material_search(user=user, params=params)
    return len(queries)


def _page_query_count(client, params) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(LIST, params).status_code == 200
    return len(queries)


def test_the_query_count_is_flat_in_the_rows(world):
    teacher = world.teacher_person
    class_hour = EventForm.objects.get(name="Классный час")

    def add(n):
        for i in range(n):
            m = f.MaterialFactory(owner=teacher, title=f"Классный час о Родине № {i}", grades=[5, 6])
            f.MaterialFileFactory(material=m)
        material_index(Material.objects.all())

    params = {"q": "родина", "form": class_hour.pk, "grade": "5"}
    client = login(world.teacher)
    add(5)
    user = type(world.teacher).objects.get(pk=world.teacher.pk)  # roles not yet cached
    # 1 person (roles), 2 appointments (roles), 3 the form filter's value, (SQLite: the ids of the
    # rows with the words,) 4 the count, 5 the page's ids in order, 6 its materials (form,
    # direction, module, school, year, files' count), 7 their authors, 8 their classes, 9–14 the
    # six facets
    expected = 14 if connection.vendor == "postgresql" else 15
    assert _query_count(user, _params(**params)) == expected
    page = _page_query_count(client, params)  # the page: the session and its user too, and the template
    add(25)
    user = type(world.teacher).objects.get(pk=world.teacher.pk)
    assert _query_count(user, _params(**params)) == expected
    assert _page_query_count(client, params) == page
    assert len(client.get(LIST, params).context["search"].page.object_list) == 20


def test_material_index_writes_the_stems_column(world):
    material = f.MaterialFactory(
        owner=world.teacher_person, title="Родина", goal="Любовь к Родине", tasks="Узнать историю",
        description="История края", module=UpbringingModule.objects.get(name="Школьный музей"),
    )
    assert material_index(material) == 1
    stored = Material.objects.get(pk=material.pk)
    assert stored.search_stems == material.search_stems
    assert stored.search_stems == (
        " родин ~b любов узна истор ~c кра ~d классн час патриотическ воспитан школьн муз соколов "
    )
    if connection.vendor == "postgresql":
        assert stored.search_vector is not None


def test_material_index_is_batched(world, django_assert_num_queries, monkeypatch):
    monkeypatch.setattr(search, "INDEX_BATCH", 10)
    for i in range(25):
        f.MaterialFactory(owner=world.teacher_person, title=f"Экскурсия {i}")
    # 1 the pks; per batch of 10: the authors' surnames, the texts and names, the write (one
    # statement); the savepoint and its release
    with django_assert_num_queries(1 + 3 * 3 + 2):
        assert material_index(Material.objects.all()) == 25
    assert Material.objects.filter(search_stems__contains=" экскурс ").count() == 25
