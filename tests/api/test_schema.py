"""The OpenAPI schema is complete and warning-free, and the docs work without the internet."""

from __future__ import annotations

import json
import re

import pytest
from django.core.management import call_command
from django.http import HttpResponse

from tests.api.conftest import client_for
from tests.api.openapi import openapi_schema, validate_response

REGISTRY_PATHS = {
    "/api/v1/auth/token/",
    "/api/v1/people/",
    "/api/v1/people/search/",
    "/api/v1/people/{id}/",
    "/api/v1/people/{id}/reveal-id/",
    "/api/v1/people/{id}/employments/",
    "/api/v1/people/{id}/employments/{employment_pk}/end/",
    "/api/v1/people/{id}/certificates/",
    "/api/v1/people/{id}/certificates/{certificate_pk}/revoke/",
    "/api/v1/people/{id}/honors/",
    "/api/v1/organizations/",
    "/api/v1/organizations/{id}/",
    "/api/v1/regions/",
    "/api/v1/occupations/",
    "/api/v1/industries/",
    "/api/v1/skill-levels/",
}


def test_schema_generates_and_validates_without_warnings(db, tmp_path):
    # --fail-on-warn turns every spectacular warning (unresolvable field, enum collision ...) into an error
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    assert "/api/v1/people/search/" in target.read_text(encoding="utf-8")


def test_registry_endpoints_generate_without_warnings_or_errors(db):
    # the registry, organisation, catalogue and token endpoints alone (other apps' APIs are
    # covered by the whole-schema test above)
    from django.urls import include, path
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator

    from gongjiang.catalog import api as catalog_api
    from gongjiang.core import api_auth
    from gongjiang.orgs import api as orgs_api
    from gongjiang.people import api as people_api

    mine = [*api_auth.urlpatterns, *catalog_api.urlpatterns, *orgs_api.urlpatterns, *people_api.urlpatterns]
    GENERATOR_STATS.reset()
    with GENERATOR_STATS.silence():
        schema = SchemaGenerator(patterns=[path("api/v1/", include(mine))]).get_schema(request=None, public=True)
    assert dict(GENERATOR_STATS._warn_cache) == {}
    assert dict(GENERATOR_STATS._error_cache) == {}
    assert set(schema["paths"]) >= REGISTRY_PATHS


def test_schema_documents_the_registry_api(world):
    response = client_for(world.personas.dan).get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert set(schema["paths"]) >= REGISTRY_PATHS
    person = schema["components"]["schemas"]["PersonOutput"]["properties"]
    assert "id_number_masked" in person
    # the cipher and the keyed hash are nowhere in the published interface
    assert "id_number_encrypted" not in response.content.decode()
    assert "id_number_hash" not in response.content.decode()


def test_list_filters_are_documented_as_query_parameters():
    operation = openapi_schema()["paths"]["/api/v1/people/"]["get"]
    names = {parameter["name"] for parameter in operation["parameters"]}
    assert names == {"q", "certificate_number", "level", "occupation", "region", "organization", "age_band",
                     "high_skilled", "sex", "page", "page_size"}
    # an ID number is only accepted in a request body
    assert "id_number" not in names
    search = openapi_schema()["paths"]["/api/v1/people/search/"]["post"]
    body = search["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert "id_number" in openapi_schema()["components"]["schemas"][body]["properties"]


def _local_references(html: str) -> list[str]:
    return re.findall(r'(?:src|href)="([^"]+)"', html)


@pytest.mark.parametrize("page", ["/api/docs/", "/api/redoc/"])
def test_docs_load_every_asset_from_this_server(world, page):
    client = client_for(world.personas.dan)
    response = client.get(page)
    assert response.status_code == 200
    html = response.content.decode()
    references = _local_references(html)
    assert references, "the docs page should load its scripts and styles"
    assert not re.search(r"(?:src|href)=\"(?:https?:)?//", html), "no asset may come from another host"
    for reference in references:
        assert reference.startswith(("/static/", "/api/")), reference
        asset = client.get(reference)
        assert asset.status_code == 200, reference
        body = b"".join(asset.streaming_content) if asset.streaming else asset.content
        assert body, reference


def test_swagger_start_up_script_is_local_and_points_at_our_schema(world):
    client = client_for(world.personas.dan)
    html = client.get("/api/docs/").content.decode()
    script_url = next(ref for ref in _local_references(html) if ref.startswith("/api/docs/"))
    script = client.get(script_url).content.decode()
    assert "/api/schema/" in script
    assert "cdn" not in script.lower()
    # the page has no inline script, so a strict Content-Security-Policy can keep it working
    assert re.search(r"<script>\s*\S", html) is None


def test_response_check_catches_an_undocumented_field(world):
    # the checker the API tests rely on must fail on a body the schema does not describe
    body = {"count": 0, "next": None, "previous": None, "results": [], "secret": "x"}
    response = HttpResponse(json.dumps(body), content_type="application/json", status=200)
    with pytest.raises(AssertionError, match="does not match the schema"):
        validate_response("GET", "/api/v1/people/", response)
    with pytest.raises(AssertionError, match="not documented"):
        validate_response("GET", "/api/v1/people/", HttpResponse(status=201))
