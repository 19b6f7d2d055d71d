"""Login, logout and password change in Russian; custom error pages."""

from django.urls import reverse


def test_login_page_is_russian_and_a_wrong_password_is_explained(world, client):
    page = client.get(reverse("login")).content.decode()
    assert "Вход в Портал РМО" in page
    assert "Пароль" in page

    response = client.post(reverse("login"), {"username": "teacher", "password": "wrong"})
    assert response.status_code == 200
    assert "Пожалуйста, введите правильные имя пользователя и пароль" in response.content.decode()
    assert 'value="teacher"' in response.content.decode()  # what was typed stays


def test_login_and_logout(world, client):
    response = client.post(reverse("login"), {"username": "teacher", "password": "pass12345"})
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.get(reverse("home")).status_code == 200

    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_password_change(world, client_for):
    client = client_for(world.teacher)
    assert "Смена пароля" in client.get(reverse("password_change")).content.decode()

    bad = client.post(reverse("password_change"), {
        "old_password": "nope", "new_password1": "Kl4ss-Ruk-2025", "new_password2": "Kl4ss-Ruk-2025"})
    assert "Ваш старый пароль введен неправильно" in bad.content.decode()

    ok = client.post(reverse("password_change"), {
        "old_password": "pass12345", "new_password1": "Kl4ss-Ruk-2025", "new_password2": "Kl4ss-Ruk-2025"})
    assert ok.status_code == 302
    world.teacher.refresh_from_db()
    assert world.teacher.check_password("Kl4ss-Ruk-2025")


def test_404_page_is_russian(world, client_for):
    response = client_for(world.teacher).get("/no-such-page/")
    assert response.status_code == 404
    assert "Страница не найдена" in response.content.decode()
