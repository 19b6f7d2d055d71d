"""The two engines of the bank's search agree (PostgreSQL only): our copy of the stop words is
PostgreSQL's, and our Snowball stem of every word of a vocabulary of a few thousand (the demo's
texts, the seeded reference lists, words with ё) is the lexeme PostgreSQL's `russian`
configuration makes of it — so SQLite's `search_stems` and PostgreSQL's `search_vector` find the
same materials."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.db import DatabaseError, connection, transaction

from meetings.bank.search import fold, lexeme, stems
from meetings.bank.stopwords import ENGLISH, RUSSIAN

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="compares with PostgreSQL's own text search"),
]

ROOT = Path(__file__).resolve().parents[3]
#: Words the demo may lack: ё in every position, word forms, Latin words, digits with letters.
MORE_WORDS = """
    ёлка ёлки ёлок ёлочный её ещё всё твоё моё объём объёмы подъём приём учёба учёный счёт
    отчёт отчёты зачёт зачётная звёзды звёздный берёза берёзовая клён лёд мёд пчёлы шёпот
    актёр актёры Артём Алёна Фёдор Королёв Семёнова ребёнок ребёнка ребёнку идёт ведёт несёт
    родина родины родине родину родиной родиною родин родинам отечество отечества отечеству
    классный классного классному классным классном классные классных классными классных
    час часа часу часом часе часы часов часам часами урок урока уроки уроков
    воспитание воспитания воспитанию воспитанием воспитании патриотическое патриотического
    духовно нравственное нравственного экологическое эстетическое трудовое гражданское
    викторина викторины квиз КТД акция акции экскурсия экскурсии проект проекты собрание
    School children running happiness Quiz online 5а 6б 11А 2025г 1e5 covid19 ИКТ3
""".split()


def _vocabulary() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "rmo_portal" / "demo").glob("*.py"))]
    texts.append((ROOT / "meetings" / "migrations" / "0007_fill_bank_reference_lists.py").read_text(encoding="utf-8"))
    texts.append((ROOT / "tests" / "factories.py").read_text(encoding="utf-8"))
    words = {w for text in texts for w in re.findall(r"[^\W_]+", text)}
    words.update(MORE_WORDS)
    return sorted({fold(w) for w in words} - {""})


def _pg_lexemes(words: list[str]) -> dict[str, list[str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT w, tsvector_to_array(to_tsvector('russian'::regconfig, w)) FROM unnest(%s::text[]) AS w",
            [words],
        )
        return {w: sorted(lexemes) for w, lexemes in cursor.fetchall()}


def test_the_vocabulary_is_large_and_has_yo():
    words = _vocabulary()
    assert len(words) > 1000
    assert {"елка", "ребенок", "артем"} <= set(words)  # folded: ё → е


def test_our_stem_of_every_word_is_postgresql_s_lexeme():
    words = _vocabulary()
    theirs = _pg_lexemes(words)
    differ = {w: (lexeme(w), theirs[w]) for w in words if ([lexeme(w)] if lexeme(w) else []) != theirs[w]}
    assert differ == {}


def test_whole_texts_give_the_same_lexemes():
    texts = [
        "Классный час «Моя Родина — Россия»: беседа о малой родине, её истории; презентация и викторина.",
        "Коллективное творческое дело (КТД) «Ёлочные игрушки» для 5–7 классов, 2025 г.",
        "Духовно-нравственное воспитание: встреча с ветеранами, акция «Бессмертный полк».",
        "Ро\u0301дина, ЁЖ, Ёжик, e-mail: school@example.org, https://школа.рф/путь?x=1, 3,14 и т.д.",
    ]
    with connection.cursor() as cursor:
        for text in texts:
            cursor.execute("SELECT tsvector_to_array(to_tsvector('russian'::regconfig, %s))", [fold(text)])
            assert sorted(cursor.fetchone()[0]) == sorted(set(stems(text))), text


def test_postgresql_s_limits_on_long_words_are_ours():
    unstemmed = "слово" * 100 + "ами"  # 1006 bytes: PostgreSQL leaves it unstemmed
    stemmed = "слово" * 99 + "ами"  # 998 bytes
    too_long = "ж" * 1024  # 2048 bytes: not indexed at all
    theirs = _pg_lexemes([unstemmed, stemmed])
    assert theirs[unstemmed] == [lexeme(unstemmed)] == [unstemmed]
    assert theirs[stemmed] == [lexeme(stemmed)] != [stemmed]
    assert lexeme(too_long) is None and fold(too_long + " кот") == "кот"


def test_every_stop_word_of_ours_is_one_for_postgresql():
    words = sorted(RUSSIAN | ENGLISH)
    theirs = _pg_lexemes(words)
    assert {w: lexemes for w, lexemes in theirs.items() if lexemes} == {}
    assert all(lexeme(w) is None for w in words)


def test_yo_is_folded_before_postgresql_looks_a_stop_word_up():
    # PostgreSQL's list has «ее», «еще» and stems «её» to «е»: the fold makes them one.
    assert _pg_lexemes(["её"])["её"] == ["е"]
    assert _pg_lexemes([fold("её"), fold("ЕЩЁ")]) == {"ее": [], "еще": []}


def _server_stop_file(name: str) -> Path | None:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        major = int(cursor.fetchone()[0]) // 10000
        try:
            with transaction.atomic():  # a savepoint: pg_config is a superuser's view
                cursor.execute("SELECT setting FROM pg_config WHERE name = 'SHAREDIR'")
                row = cursor.fetchone()
        except DatabaseError:
            row = None
    candidates = [Path(row[0]) / "tsearch_data"] if row else []
    candidates.append(Path(f"/usr/share/postgresql/{major}/tsearch_data"))
    return next((p / f"{name}.stop" for p in candidates if (p / f"{name}.stop").is_file()), None)


@pytest.mark.parametrize(("name", "ours"), [("russian", RUSSIAN), ("english", ENGLISH)])
def test_postgresql_s_stop_file_has_no_word_we_lack(name, ours):
    path = _server_stop_file(name)
    if path is None:
        pytest.skip(f"the server's {name}.stop is not on this machine")
    theirs = {w.strip() for w in path.read_text(encoding="utf-8").splitlines() if w.strip()}
    assert theirs - ours == set()
    assert ours - theirs == set()
