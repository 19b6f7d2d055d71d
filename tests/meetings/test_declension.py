"""Whom the protocol СЛУШАЛИ: the surname in the accusative by the person's gender (pytrovich),
the initials as they are, the position after it; the secretary's own wording wins; verbs agree."""

from __future__ import annotations

import pytest

from associations.models import Person
from meetings.declension import accusative_short, agree, classes_phrase, heard_line, position_accusative
from meetings.models import ProtocolItem
from tests import factories as f

M, F = Person.Gender.MALE, Person.Gender.FEMALE


def person(last_name: str, first_name: str, patronymic: str = "", gender: str = F, **fields) -> Person:
    return Person(last_name=last_name, first_name=first_name, patronymic=patronymic, gender=gender, **fields)


@pytest.mark.parametrize(
    ("last_name", "first_name", "patronymic", "gender", "expected"),
    [
        ("Соколова", "Марина", "Юрьевна", F, "Соколову М.Ю."),
        ("Петров", "Иван", "Сергеевич", M, "Петрова И.С."),
        ("Волкова", "Анна", "Ивановна", F, "Волкову А.И."),
        ("Лебедев", "Андрей", "Павлович", M, "Лебедева А.П."),
        # -ая / -ий / -ой
        ("Толстая", "Анна", "Львовна", F, "Толстую А.Л."),
        ("Белая", "Ольга", "Игоревна", F, "Белую О.И."),
        ("Горький", "Максим", "Алексеевич", M, "Горького М.А."),
        ("Толстой", "Лев", "Николаевич", M, "Толстого Л.Н."),
        # double surnames decline on both sides
        ("Римский-Корсаков", "Николай", "Андреевич", M, "Римского-Корсакова Н.А."),
        ("Петрова-Водкина", "Елена", "Сергеевна", F, "Петрову-Водкину Е.С."),
        # ё is kept, in the surname and in the initials
        ("Королёва", "Ирина", "Олеговна", F, "Королёву И.О."),
        ("Королёв", "Сергей", "Павлович", M, "Королёва С.П."),
        ("Ёлкина", "Ирина", "Олеговна", F, "Ёлкину И.О."),
        # indeclinable: -ко, -их/-ых, foreign, a woman's surname ending in a consonant
        ("Шевченко", "Тарас", "Григорьевич", M, "Шевченко Т.Г."),
        ("Шевченко", "Ольга", "Ивановна", F, "Шевченко О.И."),
        ("Дюма", "Александр", "", M, "Дюма А."),
        ("Гюго", "Виктор", "", M, "Гюго В."),
        ("Черных", "Павел", "Ильич", M, "Черных П.И."),
        ("Седых", "Анна", "Павловна", F, "Седых А.П."),
        ("Шмидт", "Мария", "Карловна", F, "Шмидт М.К."),
        # the same consonant surname declines for a man
        ("Шмидт", "Отто", "Юльевич", M, "Шмидта О.Ю."),
        ("Ткач", "Ольга", "", F, "Ткач О."),
        ("Ткач", "Олег", "", M, "Ткача О."),
    ],
)
def test_accusative_short_declines_the_surname_by_gender(last_name, first_name, patronymic, gender, expected):
    assert accusative_short(person(last_name, first_name, patronymic, gender)) == expected


def test_unknown_gender_is_guessed_from_the_name_and_else_left_alone():
    assert accusative_short(person("Соколова", "Марина", "Юрьевна", gender="")) == "Соколову М.Ю."
    assert accusative_short(person("Петров", "Иван", "Сергеевич", gender="")) == "Петрова И.С."
    # Саша Ким: no rule can tell, so the surname stays as written rather than guessed wrong.
    assert accusative_short(person("Ким", "Саша", gender="")) == "Ким С."


def test_surnames_of_several_words_are_not_touched():
    assert accusative_short(person("Мамедов оглы", "Али", gender=M)) == "Мамедов оглы А."


def test_classes_phrase_agrees_with_the_number_of_classes():
    def cls(grade, letter):
        return f.ClassAssignmentFactory.build(grade=grade, letter=letter)

    assert classes_phrase([cls(6, "Б")]) == "6 «Б» класса"
    assert classes_phrase([cls(6, "Б"), cls(5, "А")]) == "5 «А» и 6 «Б» классов"
    assert classes_phrase([cls(7, "В"), cls(5, "А"), cls(6, "Б")]) == "5 «А», 6 «Б» и 7 «В» классов"
    assert classes_phrase([]) == ""


@pytest.mark.parametrize(
    ("masculine", "feminine", "fallback"),
    [
        ("выступил", "выступила", "выступил(а)"),
        ("присутствовал", "присутствовала", "присутствовал(а)"),
        ("ознакомлен", "ознакомлена", "ознакомлен(а)"),
        ("назначен", "назначена", "назначен(а)"),
        ("его", "её", "его/её"),
    ],
)
def test_agree_follows_the_stored_gender(masculine, feminine, fallback):
    assert agree(person("Петров", "Иван", gender=M), masculine, feminine) == masculine
    assert agree(person("Соколова", "Марина", gender=F), masculine, feminine) == feminine
    assert agree(person("Ким", "Саша", gender=""), masculine, feminine) == fallback
    assert agree(None, masculine, feminine) == fallback


# --- heard_line: the whole СЛУШАЛИ subject ----------------------------------------------------


@pytest.fixture
def protocol(world):
    from meetings import services

    return services.protocol_create(meeting=f.recorded_meeting(world), user=world.head)


def test_heard_line_names_the_class_teacher_by_the_class_of_the_protocols_year(world, protocol):
    # conftest: Соколова Марина Петровна leads 6 «Б» this year.
    item = ProtocolItem.objects.create(protocol=protocol, heard_person=world.teacher_person)
    assert heard_line(item) == "Соколову М.П., классного руководителя 6 «Б» класса"


def test_a_class_of_another_year_does_not_count(world, protocol):
    other_year = f.AcademicYearFactory(start_year=world.year.start_year - 1)
    teacher = f.PersonFactory(school=world.school, last_name="Орлов", first_name="Сергей", patronymic="Иванович",
                              gender=M)
    f.ClassAssignmentFactory(teacher=teacher, academic_year=other_year, grade=9, letter="А")
    item = ProtocolItem.objects.create(protocol=protocol, heard_person=teacher)
    assert heard_line(item) == "Орлова С.И., учителя"


@pytest.mark.parametrize(
    ("position", "phrase"),
    [
        (Person.Position.ORGANIZER, "педагога-организатора"),
        (Person.Position.DEPUTY_DIRECTOR, "заместителя директора по воспитательной работе"),
        (Person.Position.PSYCHOLOGIST, "педагога-психолога"),
        (Person.Position.SOCIAL_PEDAGOGUE, "социального педагога"),
        (Person.Position.ADVISOR, "советника директора по воспитанию"),
    ],
)
def test_heard_line_gives_the_position_when_there_is_no_class(world, protocol, position, phrase):
    speaker = f.PersonFactory(school=world.school, last_name="Зайцева", first_name="Ксения", patronymic="Михайловна",
                              position=position)
    item = ProtocolItem.objects.create(protocol=protocol, heard_person=speaker)
    assert heard_line(item) == f"Зайцеву К.М., {phrase}"


def test_another_position_gives_the_name_alone(world, protocol):
    speaker = f.PersonFactory(school=world.school, last_name="Гюго", first_name="Виктор", patronymic="",
                              gender=M, position=Person.Position.OTHER)
    item = ProtocolItem.objects.create(protocol=protocol, heard_person=speaker)
    assert heard_line(item) == "Гюго В."


def test_the_secretarys_wording_wins_verbatim(world, protocol):
    item = ProtocolItem.objects.create(
        protocol=protocol, heard_person=world.teacher_person,
        heard_name="Соколову Марину Петровну, руководителя ШМО",
    )
    assert heard_line(item) == "Соколову Марину Петровну, руководителя ШМО"
    item.heard_name = "   "
    assert heard_line(item) == "Соколову М.П., классного руководителя 6 «Б» класса"


def test_nobody_named_gives_nothing(protocol):
    assert heard_line(ProtocolItem(protocol=protocol)) == ""


def test_in_the_district_association_the_school_follows_the_position(world):
    from meetings.models import Meeting, Protocol

    meeting = Meeting.objects.create(association=world.rmo, academic_year=world.year, theme="Тема",
                                     starts_at=f.recorded_meeting(world).starts_at)
    protocol = Protocol.objects.create(meeting=meeting, association=world.rmo, academic_year=world.year, number=1)
    item = ProtocolItem.objects.create(protocol=protocol, heard_person=world.teacher_person)
    assert heard_line(item) == "Соколову М.П., классного руководителя 6 «Б» класса МБОУ «СОШ № 1»"
    methodologist = world.methodologist.person  # of the district's office: no school to name
    assert position_accusative(methodologist, academic_year_id=world.year.pk, with_school=True) == "методиста"
