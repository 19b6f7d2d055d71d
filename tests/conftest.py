"""The test world, set up as healthchecks' hc/test.py does with alice, bob and charlie:
two districts; in the first, two schools. Each role has one user; `other_*` objects belong to
the second school or the second district and must answer 404 to the first school's people."""

from __future__ import annotations

import contextlib
import datetime
import socket
from dataclasses import dataclass

import pytest
from django.utils import timezone

from associations.models import AcademicYear, Association, Person
from associations.services import academic_years_create
from reports.monitoring.services import methods_seed
from tests import factories as f


@dataclass
class World:
    year: AcademicYear
    district: object
    school: object
    other_school: object
    other_district: object
    rmo: Association
    mo: Association
    other_mo: Association
    other_district_rmo: Association
    other_district_mo: Association
    admin: object
    methodologist: object
    deputy: object
    head: object
    teacher: object
    other_deputy: object
    other_district_methodologist: object
    outsider: object  # a login with no person record
    teacher_person: Person
    head_person: Person


def _login(username, **person_kwargs):
    user = f.UserFactory(username=username)
    if person_kwargs:
        f.PersonFactory(user=user, **person_kwargs)
    return user


@pytest.fixture
def world(db) -> World:
    # The migrations' years and monitoring methods; a transactional test's flush removes them, so
    # make sure they are there.
    academic_years_create(until=AcademicYear.start_year_for(timezone.localdate()) + 1)
    methods_seed()
    year = AcademicYear.objects.current()
    district = f.DistrictFactory(name="Заречный район", slug="zarechny")
    school = f.SchoolFactory(district=district, short_name="МБОУ «СОШ № 1»")
    other_school = f.SchoolFactory(district=district, short_name="МБОУ «СОШ № 2»")
    other_district = f.DistrictFactory(name="Озёрный район", slug="ozerny")
    far_school = f.SchoolFactory(district=other_district, short_name="МБОУ «Озёрная СОШ»")

    rmo = f.DistrictAssociationFactory(district=district, name="РМО классных руководителей Заречного района")
    mo = f.AssociationFactory(school=school, name="МО классных руководителей СОШ № 1")
    other_mo = f.AssociationFactory(school=other_school, name="МО классных руководителей СОШ № 2")
    other_district_rmo = f.DistrictAssociationFactory(district=other_district, name="РМО Озёрного района")
    other_district_mo = f.AssociationFactory(school=far_school, name="МО Озёрной СОШ")

    admin = f.UserFactory(username="admin", is_staff=True, is_superuser=True)
    methodologist = _login(
        "metodist", last_name="Кузнецова", first_name="Татьяна", patronymic="Александровна",
        school=None, district=district, position=Person.Position.METHODIST,
    )
    deputy = _login("zavuch", last_name="Петрова", first_name="Елена", school=school,
                    position=Person.Position.DEPUTY_DIRECTOR)
    head = _login("head", last_name="Волкова", first_name="Анна", school=school,
                  position=Person.Position.ORGANIZER)
    teacher = _login("teacher", last_name="Соколова", first_name="Марина", school=school)
    other_deputy = _login("zavuch2", last_name="Никитина", school=other_school,
                          position=Person.Position.DEPUTY_DIRECTOR)
    other_district_methodologist = _login(
        "metodist2", last_name="Зайцева", school=None, district=other_district,
        position=Person.Position.METHODIST,
    )
    outsider = f.UserFactory(username="outsider")

    head_person = head.person
    teacher_person = teacher.person
    f.AppointmentFactory(association=mo, person=head_person, order_date=datetime.date(2024, 8, 26))
    for person in (head_person, teacher_person):
        f.MembershipFactory(association=mo, person=person, academic_year=year)
    f.ClassAssignmentFactory(teacher=teacher_person, academic_year=year, grade=6, letter="Б")
    f.MembershipFactory(association=other_mo, academic_year=year)

    return World(
        year=year, district=district, school=school, other_school=other_school,
        other_district=other_district, rmo=rmo, mo=mo, other_mo=other_mo,
        other_district_rmo=other_district_rmo, other_district_mo=other_district_mo,
        admin=admin, methodologist=methodologist, deputy=deputy, head=head, teacher=teacher,
        other_deputy=other_deputy, other_district_methodologist=other_district_methodologist,
        outsider=outsider, teacher_person=teacher_person, head_person=head_person,
    )


@pytest.fixture
def client_for(client):
    """client_for(user) -> a test client logged in as that user."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a socket fails the test: the attempts, for the test to check, and
    none allowed at the end."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    yield attempts
    assert attempts == []


@pytest.fixture(autouse=True)
def cache_cleared():
    """Every test starts with an empty cache (LocMemCache, settings_test.py): the password reset's
    counts and the draft previews of one test are not another's."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(scope="session", autouse=True)
def demo_cache():
    """`manage.py load_demo` loaded for real once per worker and state, then restored on
    SQLite, and the PDFs of its HTML rendered once (tests/demo_cache.py)."""
    from tests import demo_cache

    demo_cache.install()
    yield demo_cache
    demo_cache.uninstall()


@pytest.fixture(scope="class")
def demo_loaded_once(django_db_setup, django_db_blocker, demo_cache):
    """The demo loaded once for the tests of a class (what the command printed). Whatever
    the class's tests do, the database is put back as it was after the class, whether they pass
    or fail; each test runs in its own transaction (pytest-django's `db`), so what a test
    changes, a second run included, is undone before the next one.

    On PostgreSQL the demo stays in a transaction rolled back after the class, and each test
    runs in a savepoint of it. On SQLite the database is copied aside before and copied back
    after (sqlite3's backup API: the same pages, sequences included), because the demo's load
    is then a restore of a snapshot when the worker loaded it before (tests/demo_cache.py),
    which SQLite cannot write into an open transaction."""
    from tests.helpers import load_demo

    def seed_and_load() -> str:
        # A transactional test run before by the same worker flushed the migrations' years
        # and methods: put them back first, as `world` does.
        academic_years_create(until=AcademicYear.start_year_for(timezone.localdate()) + 1)
        methods_seed()
        return load_demo()

    with _put_back(django_db_blocker, demo_cache):
        with django_db_blocker.unblock():
            output = seed_and_load()
        yield output


@contextlib.contextmanager
def _put_back(django_db_blocker, demo_cache):
    """The database as it was before the block, afterwards, whatever the block did: on SQLite a
    copy taken with sqlite3's backup API and written back; elsewhere a transaction rolled back."""
    from django.db import transaction

    with django_db_blocker.unblock():
        raw = demo_cache.sqlite_raw()
        before = demo_cache.copy_of(raw) if raw is not None else None
    if before is not None:
        try:
            yield
        finally:
            with django_db_blocker.unblock():
                demo_cache.restore(demo_cache.sqlite_raw(), before)
                before.close()
        return
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
