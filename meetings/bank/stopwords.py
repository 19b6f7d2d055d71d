"""The stop words of the bank's search: the words too common to find anything by, dropped from
the indexed text and from the query alike.

They are PostgreSQL's, so that SQLite (the `search_stems` column) and PostgreSQL (the `russian`
text-search configuration) find the same materials: the `russian` configuration drops the
Russian words of `russian_stem` and, since it hands words in Latin letters to `english_stem`,
the English words too. Copied, in their order, from PostgreSQL 15's
`share/tsearch_data/russian.stop` and `english.stop` (on Debian
/usr/share/postgresql/15/tsearch_data/), which are the Snowball project's stop lists for Russian
and English (snowballstem.org, algorithms/russian/stop.txt and algorithms/english/stop.txt).
The Russian list is written with е for ё, as the search folds ё to е before it looks a word up.
tests/meetings/bank/test_search_postgres.py checks the copy against the server's own lists.
"""

from __future__ import annotations

#: 151 words: PostgreSQL's russian.stop.
RUSSIAN: frozenset[str] = frozenset("""
    и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только ее
    мне было вот от меня еще нет о из ему теперь когда даже ну вдруг ли если уже или ни быть был
    него до вас нибудь опять уж вам ведь там потом себя ничего ей может они тут где есть надо
    ней для мы тебя их чем была сам чтоб без будто чего раз тоже себе под будет ж тогда кто этот
    того потому этого какой совсем ним здесь этом один почти мой тем чтобы нее сейчас были куда
    зачем всех никогда можно при наконец два об другой хоть после над больше тот через эти нас
    про всего них какая много разве три эту моя впрочем хорошо свою этой перед иногда лучше чуть
    том нельзя такой им более всегда конечно всю между
""".split())

#: 127 words: PostgreSQL's english.stop.
ENGLISH: frozenset[str] = frozenset("""
    i me my myself we our ours ourselves you your yours yourself yourselves he him his himself
    she her hers herself it its itself they them their theirs themselves what which who whom
    this that these those am is are was were be been being have has had having do does did doing
    a an the and but if or because as until while of at by for with about against between into
    through during before after above below to from up down in out on off over under again
    further then once here there when where why how all any both each few more most other some
    such no nor not only own same so than too very s t can will just don should now
""".split())
