"""The two versions of Н.П. Капустина's method as seeded (russian-documents.md §4): the
qualities with their indicator statements, the scale, the raters and the level bands. The
migration 0002 and `services.methods_seed` (for a flushed test database) read this; changes to a
seeded method are made in the admin, as a new version once results use it.

The scale and the bands are the widely reproduced ones (marked unverified in §4): the published
bands leave gaps (2,8–2,9; below 2), closed here as half-open intervals.
"""

from __future__ import annotations

from decimal import Decimal

AUTHOR = "Н.П. Капустина"
SCALE = (
    (5, "всегда"),
    (4, "часто"),
    (3, "редко"),
    (2, "никогда"),
    (1, "у меня другая позиция"),
)
RATERS = ("pupil", "teacher")
BANDS = (
    ("высокий", Decimal("4.5"), Decimal("5")),
    ("хороший", Decimal("4.0"), Decimal("4.5")),
    ("средний", Decimal("2.9"), Decimal("4.0")),
    ("низкий", Decimal("1"), Decimal("2.9")),
)
NOTE = (
    "Показатели и шкала — в распространённой редакции методики. Если в районе принята другая "
    "редакция, создайте новую версию методики и исправьте её до начала мониторинга."
)

PRIMARY = {
    "name": "Методика Н.П. Капустиной «Уровень воспитанности» (1–4 классы)",
    "grades": (1, 4),
    "qualities": (
        ("Любознательность", "Любозн.", (
            "Мне интересно учиться.",
            "Я люблю читать.",
            "Мне интересно находить ответы на непонятные вопросы.",
            "Я всегда выполняю домашнее задание.",
            "Я стремлюсь получать хорошие отметки.",
        )),
        ("Прилежание (трудолюбие)", "Прилеж.", (
            "Я старателен в учёбе.",
            "Я внимателен.",
            "Я самостоятелен.",
            "Я помогаю другим в делах и сам обращаюсь за помощью.",
            "Мне нравится самообслуживание в школе и дома.",
        )),
        ("Отношение к природе", "Природа", (
            "Я берегу землю.",
            "Я берегу растения.",
            "Я берегу животных.",
            "Я берегу природу.",
        )),
        ("Я и школа", "Школа", (
            "Я выполняю правила для учащихся.",
            "Я выполняю правила внутришкольной жизни.",
            "Я добр в отношениях с людьми.",
            "Я участвую в делах класса и школы.",
            "Я справедлив в отношениях с людьми.",
        )),
        ("Прекрасное в моей жизни", "Прекрасн.", (
            "Я аккуратен и опрятен.",
            "Я соблюдаю культуру поведения.",
            "Я забочусь о здоровье.",
            "Я умею правильно распределять время учёбы и отдыха.",
            "У меня нет вредных привычек.",
        )),
    ),
}

SECONDARY = {
    "name": "Методика Н.П. Капустиной «Уровень воспитанности» (5–11 классы)",
    "grades": (5, 11),
    "qualities": (
        ("Долг и ответственность", "Долг", (
            "Выполняю общественные поручения.",
            "Проявляю инициативу в делах класса и школы.",
            "Отвечаю за свои слова и поступки.",
        )),
        ("Бережливость", "Береж.", (
            "Бережно отношусь к школьному имуществу.",
            "Берегу природу.",
            "Экономно расходую время, воду и электроэнергию.",
        )),
        ("Дисциплинированность", "Дисц.", (
            "Соблюдаю правила поведения в школе и на улице.",
            "Выполняю требования учителей и классного руководителя.",
            "Не опаздываю и не пропускаю уроки без причины.",
        )),
        ("Ответственное отношение к учёбе", "Учёба", (
            "Добросовестно выполняю домашние задания.",
            "Внимателен и активен на уроках.",
            "Стремлюсь узнать новое, читаю дополнительную литературу.",
        )),
        ("Отношение к общественному труду", "Труд", (
            "Участвую в трудовых делах класса и школы.",
            "Добросовестно дежурю.",
            "Помогаю дома.",
        )),
        ("Коллективизм и товарищество", "Коллект.", (
            "Стремлюсь к сплочённости класса.",
            "Готов помочь товарищу.",
            "Участвую в коллективных делах.",
        )),
        ("Доброта и отзывчивость", "Доброта", (
            "Внимателен к людям.",
            "Помогаю младшим и пожилым.",
            "Сочувствую и сопереживаю другим.",
        )),
        ("Честность и справедливость", "Честн.", (
            "Говорю правду.",
            "Выполняю обещания.",
            "Справедлив в оценке себя и других.",
        )),
        ("Простота и скромность", "Скромн.", (
            "Не хвастаюсь своими успехами.",
            "Не ставлю себя выше других.",
            "Веду себя просто и естественно.",
        )),
        ("Культурный уровень", "Культ.", (
            "Вежлив и тактичен.",
            "Слежу за своей речью.",
            "Интересуюсь искусством, бываю в музеях, театрах, на выставках.",
        )),
    ),
}

METHODS = (PRIMARY, SECONDARY)


def seed(*, Method, MethodRater, Quality, Indicator, ScaleValue, LevelBand) -> int:
    """Creates the methods that are missing (by name, version 1); returns how many. Takes the
    models as arguments so that the migration passes its historical ones."""
    created = 0
    for data in METHODS:
        if Method.objects.filter(name=data["name"]).exists():
            continue
        grade_from, grade_to = data["grades"]
        method = Method.objects.create(
            name=data["name"], author=AUTHOR, version=1, grade_from=grade_from, grade_to=grade_to,
            level_rule="mean", decimals=1, is_current=True, note=NOTE,
        )
        MethodRater.objects.bulk_create(
            MethodRater(method=method, rater=rater, position=i) for i, rater in enumerate(RATERS)
        )
        ScaleValue.objects.bulk_create(ScaleValue(method=method, value=value, label=label) for value, label in SCALE)
        LevelBand.objects.bulk_create(
            LevelBand(method=method, name=name, lower=lower, upper=upper) for name, lower, upper in BANDS
        )
        for position, (name, short_name, statements) in enumerate(data["qualities"], start=1):
            quality = Quality.objects.create(method=method, position=position, name=name, short_name=short_name)
            Indicator.objects.bulk_create(
                Indicator(quality=quality, position=i, text=text) for i, text in enumerate(statements, start=1)
            )
        created += 1
    return created
