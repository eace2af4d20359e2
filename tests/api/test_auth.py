"""Token and session authentication of the API."""

from django.conf import settings
from rest_framework.authtoken.models import Token

from gongjiang.core import api_auth
from gongjiang.core.models import AuditEntry
from gongjiang.people.models import Person
from tests.api.conftest import SchemaCheckedClient

PASSWORD = "Pass-Word-123"  # tests/factories.user's default


def test_token_is_issued_for_good_credentials_and_works(world, api):
    # when
    response = api.post("/api/v1/auth/token/", {"username": "dan", "password": PASSWORD}, format="json")
    # then
    assert response.status_code == 200
    token = response.json()["token"]
    assert Token.objects.get(user=world.personas.dan).key == token
    assert AuditEntry.objects.filter(action="core.api_token.issued", actor=world.personas.dan).count() == 1
    client = SchemaCheckedClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    listing = client.get("/api/v1/people/")
    assert listing.status_code == 200
    assert {row["name"] for row in listing.json()["results"]} == {"王师傅", "李装配", "钱居民"}


def test_token_is_refused_for_wrong_password(world, api):
    response = api.post("/api/v1/auth/token/", {"username": "dan", "password": "wrong"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": [str(api_auth.ERR_BAD_CREDENTIALS)]}
    assert not Token.objects.exists()


def test_token_requests_count_towards_the_lockout(world, api):
    # given: as many failures as the lockout allows
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        api.post("/api/v1/auth/token/", {"username": "dan", "password": "wrong"}, format="json")
    # when: the right password comes next
    response = api.post("/api/v1/auth/token/", {"username": "dan", "password": PASSWORD}, format="json")
    # then
    assert response.status_code == 429
    assert response.json()["detail"] == str(api_auth.ERR_LOCKED_OUT).format(
        minutes=int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    )
    assert not Token.objects.exists()


def test_token_is_refused_while_a_sign_in_step_is_pending(world, api):
    # given: an administrator has required a new password
    world.personas.dan.must_change_password = True
    world.personas.dan.save(update_fields=["must_change_password"])
    # when
    response = api.post("/api/v1/auth/token/", {"username": "dan", "password": PASSWORD}, format="json")
    # then
    assert response.status_code == 403
    assert response.json()["code"] == "change_password"
    assert not Token.objects.exists()


def test_missing_fields_are_named(api, db):
    response = api.post("/api/v1/auth/token/", {}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"username", "password"}
    assert response.json()["username"][0].startswith("用户名")


def test_revoking_a_token_stops_it_working(world, api):
    token = api.post("/api/v1/auth/token/", {"username": "olga", "password": PASSWORD}, format="json").json()["token"]
    client = SchemaCheckedClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    # when
    response = client.post("/api/v1/auth/token/revoke/")
    # then
    assert response.status_code == 204
    assert client.get("/api/v1/people/").status_code in (401, 403)
    assert AuditEntry.objects.filter(action="core.api_token.revoked", actor=world.personas.olga).exists()


def test_anonymous_requests_are_refused(world, api):
    response = api.get("/api/v1/people/")
    assert response.status_code in (401, 403)
    assert "results" not in response.json()


def test_session_writes_need_the_csrf_token(world):
    # given: a browser session without the CSRF token
    client = SchemaCheckedClient(enforce_csrf_checks=True)
    client.force_login(world.personas.dan)
    person = world.people["resident"]
    # when
    refused = client.patch(f"/api/v1/people/{person.pk}/", {"notes": "改"}, format="json")
    # then
    assert refused.status_code == 403
    assert Person.objects.get(pk=person.pk).notes == ""
    # and with the token from the cookie the same write goes through
    client.get("/login/")  # any page with a form sets the CSRF cookie
    csrf = client.cookies[settings.CSRF_COOKIE_NAME]
    accepted = client.patch(
        f"/api/v1/people/{person.pk}/", {"notes": "改"}, format="json", HTTP_X_CSRFTOKEN=csrf.value
    )
    assert accepted.status_code == 200
    assert Person.objects.get(pk=person.pk).notes == "改"
