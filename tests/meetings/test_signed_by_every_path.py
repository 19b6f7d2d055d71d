"""Signed means signed, by every path: the login that signed, the people, association and year a
signed protocol names cannot be deleted (in the admin either); «проведено» on a meeting whose
protocol is signed is refused and changes nothing; the admin's history pages answer 404, not
500, for an id that is not one."""

import pytest
from django.contrib.auth.models import User
from django.db.models import ProtectedError
from django.urls import reverse

from associations.models import AcademicYear, Person
from meetings import services
from meetings.models import Meeting, Protocol, SignedProtocolError
from tests import factories as f


@pytest.fixture
def signed(world):
    meeting = f.recorded_meeting(world)
    f.add_agenda(meeting, 1, speakers=[world.teacher_person])
    f.mark_attendance(world, meeting, [world.head_person, world.teacher_person])
    return f.sign_protocol(world, meeting)


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root", "root@example.org", "x")


def test_the_login_that_signed_cannot_be_deleted_in_the_admin(world, signed, client, superuser):
    client.force_login(superuser)
    url = reverse("admin:auth_user_delete", args=[world.head.pk])
    response = client.post(url, {"post": "yes"})
    assert response.status_code == 200  # the admin's «cannot delete» page, not a redirect
    assert "Не удается удалить" in response.content.decode()
    signed.refresh_from_db()
    assert signed.signed_by_id == world.head.pk
    assert User.objects.filter(pk=world.head.pk).exists()


def test_nothing_a_signed_protocol_names_can_be_deleted(world, signed):
    for obj in (world.head, world.head_person, world.teacher_person, signed.association, signed.academic_year):
        with pytest.raises(ProtectedError):
            obj.delete()
    assert Person.objects.filter(pk=world.teacher_person.pk).exists()
    assert AcademicYear.objects.filter(pk=signed.academic_year_id).exists()
    assert Protocol.objects.get(pk=signed.pk).is_signed


def test_held_is_refused_once_the_protocol_is_signed(world, signed, client_for):
    meeting = Meeting.objects.get(pk=signed.meeting_id)
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.PLANNED)  # as if never marked
    before = Meeting.objects.get(pk=meeting.pk)
    with pytest.raises(SignedProtocolError):
        services.meeting_hold(meeting=before, user=world.head)
    response = client_for(world.head).post(reverse("meetings:meeting_hold", args=[meeting.pk]), follow=True)
    assert "Протокол заседания подписан" in response.content.decode()
    after = Meeting.objects.get(pk=meeting.pk)
    assert (after.version, after.status, after.updated_at) == (before.version, before.status, before.updated_at)


@pytest.mark.parametrize(
    "model", ["associations/person", "associations/association", "associations/membership",
              "associations/classassignment", "associations/appointment", "associations/annualplan",
              "meetings/meeting", "meetings/protocol", "meetings/decision"],
)
def test_history_pages_answer_404_for_an_id_that_is_not_one(model, client, superuser):
    client.force_login(superuser)
    assert client.get(f"/admin/{model}/abc/history/").status_code == 404
    assert client.get(f"/admin/{model}/abc/history/1/").status_code == 404
    assert client.get(f"/admin/{model}/1/history/abc/").status_code == 404
