"""The data bank's search, which understands Russian: «классный час о Родине» finds «классных
часов … Родина», ё and е alike, ranked, with the matching words highlighted.

Two engines give the same hits for the same query:

- PostgreSQL: full-text search in the `russian` configuration over the stored `search_vector`
  (weights: title A, goal and tasks B, description C, the form, direction and module names and
  the authors' surnames D; a GIN index, migration meetings 0006), queried with a plain
  `SearchQuery` (every word must match) and ranked by `SearchRank`;
- SQLite (and any other database): the `search_stems` column, the same words' Snowball stems
  stored as « stem1 stem2 … » (a space on both ends), matched word by word
  (`search_stems__contains=" stem "` for each stem of the query, in one scan whose ids the
  page's other queries reuse) and ranked by the weight of the part where each stem is found.

What makes the hits the same: the text goes through one Python fold before either engine sees
it (Unicode NFC, stress marks dropped, lowercased, ё → е, every character that is not a letter
or an ASCII digit a space), so that PostgreSQL's parser sees only plain words; each word then
becomes the lexeme PostgreSQL's `russian` configuration makes of it — a Russian word its
Snowball Russian stem, a word in Latin letters its Snowball English stem (the configuration hands
those to `english_stem`), a word with digits itself (`simple`), PostgreSQL's stop words
(`meetings.bank.stopwords`) nothing. tests/meetings/bank/test_search_postgres.py checks the
stems and the stop words against the server's own.

The column's layout: the stems of the title, then « ~b », those of the goal and tasks not already
in the title, « ~c », the description's new ones, « ~d », those of the names; each stem once, in
the first (highest-weighted) part where it occurs. The markers never match a query's stem.

The API: `stems`; `material_index`, which the card services call after every save (and the
demo and the bench on a queryset); `material_search`, which the `materials` view renders with
meetings/bank/material_list.html. Highlighting stems the shown text in Python on both databases.
"""

from __future__ import annotations

import functools
import json
import operator
import re
import threading
import unicodedata
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field

import snowballstemmer
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.paginator import Page, Paginator
from django.db import connection, transaction
from django.db.models import Case, Count, F, FloatField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import StrIndex
from django.db.models.lookups import LessThan
from django.http import QueryDict
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from associations import access
from associations.access import User
from associations.models import Person
from meetings.bank.filters import FACET_NAMES, FACETS, MaterialFilter
from meetings.bank.models import Material, MaterialFile, MaterialGrade
from meetings.bank.stopwords import ENGLISH, RUSSIAN

PER_PAGE = 20
INDEX_BATCH = 1000  # rows read, stemmed and written at a time by material_index
SNIPPET_BEFORE = 60  # characters of context before the first hit
SNIPPET_LENGTH = 240  # characters of a snippet at most (before the ellipses)

#: PostgreSQL's limits on a word (bytes of UTF-8): a longer one is not indexed at all, and one
#: over STEM_MAX_BYTES is indexed as it is, unstemmed (dict_snowball.c).
WORD_MAX_BYTES = 2047
STEM_MAX_BYTES = 1000

#: The column's part markers (the goal and tasks, the description, the names).
MARK_B, MARK_C, MARK_D = "~b", "~c", "~d"
#: The weights of the parts: PostgreSQL's defaults for A, B, C, D (ts_rank's {0.1, 0.2, 0.4, 1.0}).
WEIGHTS = (1.0, 0.4, 0.2, 0.1)

# --- words -----------------------------------------------------------------------------------

# A run of letters, digits and combining marks (a stress mark inside «ро́дина» keeps it one word);
# «_» is a word character to `re` and is replaced by a space first.
_TOKEN = re.compile(r"[\w\u0300-\u036f]+")
_MARKS = re.compile(r"[\u0300-\u036f]+")
_DIGITS = frozenset("0123456789")


def _fold_word(token: str) -> str:
    word = token.lower().replace("ё", "е")
    return word if word.isalpha() else _MARKS.sub("", word)


def _inside(char: str) -> bool:
    return char.isalpha() or char in _DIGITS or "\u0300" <= char <= "\u036f"


def _split(token: str) -> list[str]:
    """A token that is not all letters: its runs of letters and ASCII digits (anything else, such
    as «²», ends a word), stress marks dropped."""
    pieces, current = [], []
    for char in token:
        if char.isalpha() or char in _DIGITS:
            current.append(char)
        elif not _inside(char) and current:
            pieces.append("".join(current))
            current = []
    if current:
        pieces.append("".join(current))
    return pieces


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text or "")


def _folded(text: str) -> list[str]:
    """The text's words, folded: NFC, lowercased, ё → е, stress marks dropped, split at every
    character that is not a letter or an ASCII digit. (The fast path of `_words`.)"""
    words: list[str] = []
    for token in _TOKEN.findall(_nfc(text).lower().replace("ё", "е").replace("_", " ")):
        if token.isalpha():  # nearly every word
            words.append(token)
        else:
            words += _split(token)
    return words


def _words(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, folded word) of each word of `text` (NFC), the same words as `_folded`, with
    where they are (for highlighting)."""
    for match in _TOKEN.finditer(text.replace("_", " ")):
        token = match.group()
        if token.isalpha():
            yield match.start(), match.end(), _fold_word(token)
            continue
        start = None
        for i, char in enumerate(token):
            if start is None and (char.isalpha() or char in _DIGITS):
                start = i
            elif start is not None and not _inside(char):
                yield match.start() + start, match.start() + i, _fold_word(token[start:i])
                start = None
        if start is not None:
            yield match.start() + start, match.end(), _fold_word(token[start:])


def _indexable(word: str) -> bool:
    return len(word) <= WORD_MAX_BYTES // 4 or len(word.encode()) <= WORD_MAX_BYTES


def fold(text: str) -> str:
    """The text as both engines read it: its words, folded, one space apart (what PostgreSQL's
    `to_tsvector` and the query are given)."""
    return " ".join(word for word in _folded(text) if _indexable(word))


_stemmers = threading.local()  # a Snowball stemmer keeps state while it stems: one per thread


def _stemmer(language: str):
    stemmer = getattr(_stemmers, language, None)
    if stemmer is None:
        # snowballstemmer uses PyStemmer's C stemmers when that is installed (optional).
        stemmer = snowballstemmer.stemmer(language)
        setattr(_stemmers, language, stemmer)
    return stemmer


@functools.lru_cache(maxsize=200_000)
def lexeme(word: str) -> str | None:
    """A folded word's lexeme as PostgreSQL's `russian` configuration makes it, or None (a stop
    word, or too long to index)."""
    size = len(word.encode())
    if size > WORD_MAX_BYTES:
        return None
    if not word.isalpha():
        return word  # digits, or letters with digits: the `simple` dictionary keeps them as they are
    stops, language = (ENGLISH, "english") if word.isascii() else (RUSSIAN, "russian")
    if word in stops:
        return None
    if size > STEM_MAX_BYTES:
        return word
    return _stemmer(language).stemWord(word)


def stems(text: str) -> list[str]:
    """The text's lexemes, in order (repeats kept): what the search matches."""
    return [stem for word in _folded(text) if (stem := lexeme(word)) is not None]


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


# --- the index -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Texts:
    """A material's searchable words by weight, folded: A the title, B its goal and tasks, C its
    description, D the names of its form, direction and module and its authors' surnames."""

    a: list[str]
    b: list[str]
    c: list[str]
    d: list[str]

    @classmethod
    def of(cls, title, goal, tasks, description, names: Iterable[str | None]) -> _Texts:
        return cls(
            a=_folded(title), b=_folded(f"{goal}\n{tasks}"), c=_folded(description),
            d=_folded(" ".join(n for n in names if n)),
        )

    def stems_column(self) -> str:
        seen: set[str] = set()
        parts: list[str] = []
        for mark, words in ((None, self.a), (MARK_B, self.b), (MARK_C, self.c), (MARK_D, self.d)):
            if mark:
                parts.append(mark)
            for word in words:
                stem = lexeme(word)
                if stem is not None and stem not in seen:
                    seen.add(stem)
                    parts.append(stem)
        return f" {' '.join(parts)} "

    def vector_texts(self) -> list[str]:
        return [" ".join(w for w in words if _indexable(w)) for words in (self.a, self.b, self.c, self.d)]


def material_index(materials: Material | Iterable[Material] | QuerySet[Material]) -> int:
    """Refresh the search index of a material, a list or a queryset of them: `search_stems` on
    every database, `search_vector` on PostgreSQL; from the rows as saved (their authors too).
    Returns how many rows it indexed (a given Material's `search_stems` is set too).

    INDEX_BATCH rows at a time, stems of words cached: two reads per batch (the texts and names,
    the authors' surnames: plain values, no model instances) and one write (on PostgreSQL one
    UPDATE … FROM (VALUES …) setting both columns; elsewhere one executemany of an UPDATE)."""
    if isinstance(materials, Material):
        given = [materials]
    elif isinstance(materials, QuerySet):
        given = None
        pks = list(materials.values_list("pk", flat=True))
    else:
        given = list(materials)
    if given is not None:
        pks = [m.pk for m in given if m.pk is not None]
    if not pks:
        return 0
    column: dict[int, str] = {}
    with transaction.atomic():
        for start in range(0, len(pks), INDEX_BATCH):
            column.update(_index_batch(pks[start:start + INDEX_BATCH]))
    for material in given or ():
        if material.pk in column:
            material.search_stems = column[material.pk]
    return len(column)


def _index_batch(pks: list[int]) -> dict[int, str]:
    surnames: dict[int, list[str]] = defaultdict(list)
    authors = Material.authors.through.objects.filter(material_id__in=pks).order_by("person__last_name", "person_id")
    for material_id, last_name in authors.values_list("material_id", "person__last_name"):
        surnames[material_id].append(last_name)
    rows = Material.objects.filter(pk__in=pks).order_by("pk").values_list(
        "pk", "title", "goal", "tasks", "description", "form__name", "direction__name", "module__name",
    )
    texts = {
        pk: _Texts.of(title, goal, tasks, description, [form, direction, module, *surnames[pk]])
        for pk, title, goal, tasks, description, form, direction, module in rows
    }
    column = {pk: t.stems_column() for pk, t in texts.items()}
    if column:
        _write(texts, column)
    return column


def _write(texts: dict[int, _Texts], column: dict[int, str]) -> None:
    """The batch's stems and, on PostgreSQL, its weighted vector of the folded texts: one
    statement (the values are parameters; the rest of the SQL is constant)."""
    quote = connection.ops.quote_name
    table = quote(Material._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.executemany(
                f"UPDATE {table} SET search_stems = %s WHERE id = %s",  # noqa: S608
                [(value, pk) for pk, value in column.items()],
            )
            return
        values, params = [], []
        for pk, t in texts.items():
            values.append("(%s, %s, %s, %s, %s, %s)")
            params += [pk, column[pk], *t.vector_texts()]
        vector = " || ".join(
            f"setweight(to_tsvector('russian'::regconfig, v.{part}), '{part.upper()}')" for part in "abcd"
        )
        rows = ", ".join(values)
        sql = f"UPDATE {table} AS m SET search_stems = v.stems, search_vector = {vector} FROM (VALUES {rows}) AS v"  # noqa: S608
        cursor.execute(sql + "(id, stems, a, b, c, d) WHERE m.id = v.id", params)


# --- highlighting ----------------------------------------------------------------------------------


def highlight(text: str, wanted: Collection[str]) -> SafeString:
    """The text, HTML-escaped, with each word whose lexeme is `wanted` in <mark>."""
    text = _nfc(text)
    if not wanted:
        return escape(text)
    out: list[str] = []
    last = 0
    for start, end, word in _words(text):
        if lexeme(word) in wanted:
            out += [escape(text[last:start]), "<mark>", escape(text[start:end]), "</mark>"]
            last = end
    out.append(escape(text[last:]))
    return mark_safe("".join(out))  # every piece is escaped


def snippet(texts: Iterable[str], wanted: Collection[str]) -> SafeString:
    """A piece of the first text with a hit (or of the first non-empty text when nothing is
    searched), around its first hit, with the hits highlighted and «…» where it is cut."""
    texts = [_nfc(t).strip() for t in texts if t and t.strip()]
    if not texts:
        return mark_safe("")
    chosen, first = texts[0], 0
    if wanted:
        for text in texts:
            hit = next((s for s, _e, word in _words(text) if lexeme(word) in wanted), None)
            if hit is not None:
                chosen, first = text, hit
                break
    start = 0 if first <= SNIPPET_BEFORE else _word_start(chosen, first - SNIPPET_BEFORE)
    end = len(chosen) if start + SNIPPET_LENGTH >= len(chosen) else _word_end(chosen, start + SNIPPET_LENGTH)
    piece = highlight(" ".join(chosen[start:end].split()), wanted)
    return mark_safe(("… " if start else "") + piece + (" …" if end < len(chosen) else ""))


def _word_start(text: str, at: int) -> int:
    """The start of the first whole word at or after `at`."""
    space = text.find(" ", at)
    return at if space < 0 else space + 1


def _word_end(text: str, at: int) -> int:
    """The end of the last whole word before `at`."""
    space = text.rfind(" ", 0, at)
    return at if space <= 0 else space


# --- the search ----------------------------------------------------------------------------------


@dataclass
class FacetOption:
    value: str  # as in the URL
    label: str
    count: int  # the rows with this value, among those of every other filter
    selected: bool
    query: str  # the query string that toggles this value (the page reset, everything else kept)


@dataclass
class Facet:
    name: str
    label: str
    options: list[FacetOption]

    @property
    def selected(self) -> list[FacetOption]:
        return [o for o in self.options if o.selected]


@dataclass
class MaterialSearch:
    filterset: MaterialFilter
    page: Page  # the materials, each with .highlighted_title, .snippet, .files_count
    total: int
    facets: list[Facet]
    query: str  # the words searched (empty when none, or when the query was refused)
    words: list[str] = field(default_factory=list)  # their stems
    only_stop_words: bool = False  # a query of stop words alone: everything of the filters shown
    filtered: bool = False  # some filter or words apply
    params: QueryDict = field(default_factory=QueryDict)

    @property
    def form(self):
        return self.filterset.form

    @property
    def materials(self) -> list[Material]:
        return list(self.page.object_list)

    def hidden_facets(self) -> list[tuple[str, str]]:
        """The facets' values chosen, as (name, value) pairs for the search form's hidden inputs
        (a new query keeps them)."""
        return [(name, value) for name in FACET_NAMES for value in self.params.getlist(name)]

    @property
    def page_range(self) -> list:
        """The page numbers to link, with «…» for those left out (Paginator.ELLIPSIS)."""
        return list(self.page.paginator.get_elided_page_range(self.page.number, on_each_side=2, on_ends=1))


def material_search(*, user: User, params: QueryDict) -> MaterialSearch:
    """The bank's materials the user sees, filtered and searched by `params`, ranked, a page of
    them with the matching words highlighted, and the facets with counts.

    A fixed number of queries, whatever the rows (counted in tests/meetings/bank/test_search.py):
    the choices named by the URL (one per model facet with values); on SQLite, the ids of the
    rows with the words (one scan of the stems, which every later query reuses); the count; the
    page's ids in order (a narrow sort); the page's rows with their form, direction, module,
    school, year and files' count; their authors; their classes; one per facet."""
    params = params.copy()
    number = params.pop("page", [None])[-1]
    person = access.roles_for(user).person
    filterset = MaterialFilter(params, queryset=Material.objects.all(), person=person)
    values = filterset.values()
    query = values.get("q") or ""
    words = _unique(stems(query))
    scope = access.visible(user, "material", Material.objects.all())
    searched = _matching(scope, query, words)

    rows = searched(filterset.apply(scope))
    if words:
        rows = rows.annotate(rank=_rank(query, words)).order_by("-rank", F("held_on").desc(nulls_last=True), "-pk")
    else:
        rows = rows.order_by(F("held_on").desc(nulls_last=True), "-pk")
    page = Paginator(rows.values_list("pk", flat=True), PER_PAGE).get_page(number)
    page.object_list = _page_rows(list(page.object_list))
    for material in page.object_list:
        material.highlighted_title = highlight(material.title, words)
        material.snippet = snippet([material.goal, material.tasks, material.description], words)
        material.files_count = material.files_count or 0
    facets = [
        _facet(name, str(label), searched(filterset.apply(scope, without=name)), values.get(name) or [], params)
        for name, label in FACETS
    ]
    return MaterialSearch(
        filterset=filterset,
        page=page,
        total=page.paginator.count,
        facets=facets,
        query=query,
        words=words,
        only_stop_words=bool(query) and not words,
        filtered=bool(words) or any(values.get(name) for name in values if name != "q"),
        params=params,
    )


def _page_rows(ids: list[int]) -> list[Material]:
    """The page's materials, in the order of `ids`, with what a row shows: two queries and two
    prefetches (none when the page is empty)."""
    if not ids:
        return []
    files = MaterialFile.objects.filter(material=OuterRef("pk")).order_by().values("material")
    rows = Material.objects.filter(pk__in=ids).select_related(
        "form", "direction", "module", "school", "academic_year",
    ).annotate(
        files_count=Subquery(files.annotate(n=Count("pk")).values("n")[:1]),
    ).prefetch_related(
        Prefetch("authors", queryset=Person.objects.order_by("last_name", "first_name", "patronymic", "pk")),
        Prefetch("grades", queryset=MaterialGrade.objects.order_by("grade")),
    )
    by_pk = {m.pk: m for m in rows}
    return [by_pk[pk] for pk in ids if pk in by_pk]


def _matching(scope: QuerySet, query: str, words: list[str]):
    """A function narrowing a queryset to the rows with every word of the query.

    PostgreSQL: the vector's match (the GIN index). SQLite: the stems column is scanned once,
    here, for the ids of the rows of `scope` with the words, and each later query takes them as
    one JSON parameter (`json_each`: no limit on the number of ids); any other database: the
    stems matched in each query."""
    if not words:
        return lambda queryset: queryset
    if connection.vendor == "postgresql":
        vector_query = _pg_query(query)
        return lambda queryset: queryset.filter(search_vector=vector_query)
    having = Q()
    for stem in words:
        having &= Q(search_stems__contains=f" {stem} ")
    if connection.vendor != "sqlite":
        return lambda queryset: queryset.filter(having)
    ids = json.dumps(list(scope.filter(having).order_by().values_list("pk", flat=True)))
    return lambda queryset: queryset.filter(pk__in=RawSQL("SELECT value FROM json_each(%s)", [ids]))


def _pg_query(query: str) -> SearchQuery:
    return SearchQuery(fold(query), config="russian", search_type="plain")


def _rank(query: str, words: list[str]):
    """PostgreSQL's ts_rank; elsewhere the sum, over the query's stems, of the weight of the part
    of the column where each is found (title 1.0, goal and tasks 0.4, description 0.2, names 0.1)."""
    if connection.vendor == "postgresql":
        return SearchRank(F("search_vector"), _pg_query(query))
    column = F("search_stems")
    marks = [StrIndex(column, Value(f" {mark} ")) for mark in (MARK_B, MARK_C, MARK_D)]
    terms = []
    for stem in words:
        at = StrIndex(column, Value(f" {stem} "))
        terms.append(Case(
            *(When(LessThan(at, mark), then=Value(weight)) for mark, weight in zip(marks, WEIGHTS, strict=False)),
            default=Value(WEIGHTS[-1]),
            output_field=FloatField(),
        ))
    return functools.reduce(operator.add, terms)


# --- the facets ------------------------------------------------------------------------------------

_FACET_VALUES = {
    # facet: (the value's field, its label's field, the order of the options)
    "form": ("form_id", "form__name", ("form__order", "form__name")),
    "direction": ("direction_id", "direction__name", ("direction__order", "direction__name")),
    "module": ("module_id", "module__name", ("module__order", "module__name")),
    "school": ("school_id", "school__short_name", ("school__short_name",)),
    "year": ("academic_year__start_year", "academic_year__start_year", ("-academic_year__start_year",)),
}


def _facet(name: str, label: str, rows: QuerySet, chosen: list, params: QueryDict) -> Facet:
    """The facet's values among `rows` (every other filter applied) with their counts: one query.
    A chosen value with no row still shows, so that it can be unchosen."""
    if name == "grade":
        counted = (
            MaterialGrade.objects.filter(material__in=rows.order_by().values("pk"))
            .values("grade").annotate(n=Count("pk")).order_by("grade")
        )
        found = [(str(r["grade"]), str(r["grade"]), r["n"]) for r in counted]
        chosen_values = {str(g): str(g) for g in chosen}
    else:
        value_field, label_field, order = _FACET_VALUES[name]
        counted = (
            rows.order_by().filter(**{f"{value_field}__isnull": False})
            .values(value_field, label_field).annotate(n=Count("pk")).order_by(*order)
        )
        found = [(str(r[value_field]), _facet_label(name, r[label_field]), r["n"]) for r in counted]
        keys = [o.start_year if name == "year" else o.pk for o in chosen]
        labels = [o.start_year if name == "year" else str(o) for o in chosen]
        chosen_values = {str(k): _facet_label(name, lab) for k, lab in zip(keys, labels, strict=True)}
    options = [
        FacetOption(value=v, label=lab, count=n, selected=v in chosen_values, query=_toggled(params, name, v))
        for v, lab, n in found
    ]
    present = {o.value for o in options}
    options += [
        FacetOption(value=v, label=lab, count=0, selected=True, query=_toggled(params, name, v))
        for v, lab in chosen_values.items() if v not in present
    ]
    return Facet(name=name, label=label, options=options)


def _facet_label(name: str, value) -> str:
    return f"{value}/{int(value) + 1}" if name == "year" else str(value)


def _toggled(params: QueryDict, name: str, value: str) -> str:
    """The query string with `value` of `name` added or removed (and the page reset)."""
    params = params.copy()
    params.pop("page", None)
    chosen = params.getlist(name)
    params.setlist(name, [v for v in chosen if v != value] if value in chosen else [*chosen, value])
    return "?" + params.urlencode()
