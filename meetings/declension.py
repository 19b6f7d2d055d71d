"""People's names in the case a protocol needs, and words that agree with their gender.

СЛУШАЛИ takes the speaker in the accusative: «СЛУШАЛИ: Соколову М.Ю., классного руководителя
6 «Б» класса». The surname is declined by pytrovich (the petrovich rules: -ова/-ая/-ий, double
surnames, indeclinable -ко/-их/-ых and foreign ones such as Дюма); the initials never change,
and a «ё» stays a «ё». What the rules still get wrong the secretary writes into
`ProtocolItem.heard_name`, which is printed verbatim.

This is Russian grammar, not interface text: the phrases below are not run through gettext.
Professional nouns stay masculine for women (классного руководителя, учителя, председатель).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from pytrovich import Case, Gender, NamePart, PetrovichDeclinationMaker, PetrovichGenderDetector

from associations.models import ClassAssignment, Person

#: Person.position → the position in the accusative, as it follows the name after СЛУШАЛИ.
POSITION_ACCUSATIVE: dict[str, str] = {
    Person.Position.TEACHER: "учителя",
    Person.Position.ORGANIZER: "педагога-организатора",
    Person.Position.DEPUTY_DIRECTOR: "заместителя директора по воспитательной работе",
    Person.Position.DIRECTOR: "директора",
    Person.Position.ADVISOR: "советника директора по воспитанию",
    Person.Position.PSYCHOLOGIST: "педагога-психолога",
    Person.Position.SOCIAL_PEDAGOGUE: "социального педагога",
    Person.Position.METHODIST: "методиста",
    # Person.Position.OTHER says nothing worth printing: the name goes alone.
}


@lru_cache(maxsize=1)
def _maker() -> PetrovichDeclinationMaker:
    return PetrovichDeclinationMaker()


@lru_cache(maxsize=1)
def _detector() -> PetrovichGenderDetector:
    return PetrovichGenderDetector()


def _grammatical_gender(person: Person) -> tuple[Gender | None, bool]:
    """(gender, known): the stored gender when there is one, else a guess from the name
    (Юрьевна, Марина); None when even the guess cannot tell."""
    if person.gender == Person.Gender.MALE:
        return Gender.MALE, True
    if person.gender == Person.Gender.FEMALE:
        return Gender.FEMALE, True
    guess = _detector().detect(
        firstname=person.first_name or None,
        lastname=person.last_name or None,
        middlename=person.patronymic or None,
    )
    return (None if guess == Gender.ANDROGYNOUS else guess), False


def decline_last_name(person: Person, case: Case = Case.ACCUSATIVE) -> str:
    """The surname in `case`; unchanged when it does not decline (Шевченко, Черных, Дюма, a
    woman's Шмидт), when the gender is unknown, or when it is more than one word."""
    last_name = person.last_name.strip()
    gender, known = _grammatical_gender(person)
    if not last_name or gender is None or any(c.isspace() for c in last_name):
        return last_name
    return _maker().make(NamePart.LASTNAME, gender, case, last_name, known_gender=known)


def accusative_short(person: Person) -> str:
    """«Соколову М.Ю.», «Петрова И.С.», «Шевченко А.П.»: whom СЛУШАЛИ."""
    return " ".join(p for p in (decline_last_name(person, Case.ACCUSATIVE), person.initials) if p)


def classes_phrase(assignments: Iterable[ClassAssignment]) -> str:
    """«6 «Б» класса», «5 «А» и 6 «Б» классов», «5 «А», 6 «Б» и 7 «В» классов»."""
    labels = [a.label for a in sorted(assignments, key=lambda a: (a.grade, a.letter))]
    if not labels:
        return ""
    if len(labels) == 1:
        return f"{labels[0]} класса"
    return f"{', '.join(labels[:-1])} и {labels[-1]} классов"


def position_accusative(person: Person, *, academic_year_id: int | None, with_school: bool = False) -> str:
    """What the person is, in the accusative: «классного руководителя 6 «Б» класса» when they
    lead a class that year, else their position («педагога-организатора»); for the РМО, whose
    members come from every school, followed by the school («учителя МБОУ «СОШ № 2»»).

    Reads `person.class_assignments.all()`, so a caller that prefetches them (for the year)
    makes no query here.
    """
    classes = [a for a in person.class_assignments.all() if a.academic_year_id == academic_year_id]
    if classes:
        phrase = f"классного руководителя {classes_phrase(classes)}"
    else:
        phrase = POSITION_ACCUSATIVE.get(person.position, "")
    if with_school and phrase and person.school_id:
        phrase = f"{phrase} {person.school.short_name}"
    return phrase


def heard_line(item) -> str:
    """Whom the protocol item СЛУШАЛИ: the secretary's `heard_name` verbatim when written,
    else «Соколову М.Ю., классного руководителя 6 «Б» класса»; "" when nobody is named."""
    override = item.heard_name.strip()
    if override:
        return override
    person = item.heard_person
    if person is None:
        return ""
    protocol = item.protocol
    position = position_accusative(
        person, academic_year_id=protocol.academic_year_id, with_school=protocol.association.is_district
    )
    name = accusative_short(person)
    return f"{name}, {position}" if position else name


def heard_separator(subject: str) -> str:
    """What stands between whom СЛУШАЛИ and what they said: «Соколову М.Ю., классного
    руководителя 6 «Б» класса, — …» (an apposition is closed by a comma before the dash), a bare
    name takes the dash alone; nothing when nobody is named. The dash never starts a line."""
    if not subject:
        return ""
    if subject.endswith(",") or "," not in subject:
        return "\u00a0— "
    return ",\u00a0— "


def agree(person: Person | None, masculine: str, feminine: str) -> str:
    """The form that agrees with the person's gender: agree(p, "выступил", "выступила").
    Unknown gender gives «выступил(а)» (or «его/её» when the forms share no stem)."""
    gender = getattr(person, "gender", "") if person is not None else ""
    if gender == Person.Gender.MALE:
        return masculine
    if gender == Person.Gender.FEMALE:
        return feminine
    if feminine.startswith(masculine) and feminine != masculine:
        return f"{masculine}({feminine[len(masculine):]})"
    return f"{masculine}/{feminine}" if feminine != masculine else masculine
