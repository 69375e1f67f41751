"""The distributed engines without a cluster: SEARCH_URL forms, the index design, and the
Elasticsearch engine sending exactly the shared bodies (osmem runs them in the contract suite)."""

import datetime

from django.core.exceptions import ImproperlyConfigured

import pytest

from search.documents import SearchDocument
from search.engines import bodies, get_engine
from search.engines.distributed import EngineURL
from search.engines.elasticsearch import ElasticsearchEngine
from search.engines.opensearch import OpenSearchEngine
from search.facets import FACETS
from search.query import SearchQuery, Sort


def test_url_with_credentials_several_hosts_and_tls():
    url = EngineURL.parse(
        "opensearch://ada:s%40cret@search1:9201,search2/portal?tls=true&ca_certs=/etc/ca.pem"
        "&timeout=2.5&replicas=1"
    )

    assert url.hosts == ("https://search1:9201", "https://search2:9200")
    assert (url.username, url.password) == ("ada", "s@cret")
    assert url.index == "portal"
    assert url.ca_certs == "/etc/ca.pem"
    assert url.verify_certs is True
    assert url.timeout == 2.5
    assert url.replicas == 1
    assert "s@cret" not in repr(url)


def test_url_defaults():
    url = EngineURL.parse("elasticsearch://localhost")

    assert url.hosts == ("http://localhost:9200",)
    assert url.index == "kokeilu"
    assert url.username == ""


def test_url_can_turn_certificate_checks_off():
    assert EngineURL.parse("opensearch://h/k?tls=1&verify_certs=false").verify_certs is False


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("opensearch://user:topsecret@h/k?tls=maybe", "tls='maybe' is not a flag"),
        ("opensearch://h/Kokeilu", "must be one lower-case word"),
        ("opensearch://h/a/b", "must be one lower-case word"),
        ("opensearch:///k", "names no host"),
        ("opensearch://h/k?timeout=soon", "could not convert"),
        ("opensearch://h/k?api_compatibility=8", "api_compatibility is an Elasticsearch option"),
        ("elasticsearch://h/k?api_compatibility=eight", "must be a major version"),
    ],
)
def test_bad_urls_are_refused_with_a_message_and_no_password(url, message):
    with pytest.raises(ImproperlyConfigured, match=message) as error:
        EngineURL.parse(url)

    assert "topsecret" not in str(error.value)


def test_engines_are_built_from_the_setting(settings):
    settings.SEARCH_URL = "opensearch://ada:pw@os.example:9200/k?tls=true"
    engine = get_engine()

    assert isinstance(engine, OpenSearchEngine)
    assert engine.alias == "k"
    settings.SEARCH_URL = "elasticsearch://es.example:9200/k"
    assert isinstance(get_engine(), ElasticsearchEngine)


def test_every_facet_is_a_keyword_field_of_the_index():
    properties = bodies.index_body()["mappings"]["properties"]

    assert bodies.index_body()["mappings"]["dynamic"] == "strict"
    assert set(properties["facets"]["properties"]) == {facet.name for facet in FACETS}
    assert all(p == {"type": "keyword"} for p in properties["facets"]["properties"].values())


def test_each_language_has_its_analyzer():
    body = bodies.index_body()
    i18n = body["mappings"]["properties"]["i18n"]["properties"]

    assert i18n["fi"]["properties"]["body"]["analyzer"] == "kokeilu_finnish"
    assert i18n["sv"]["properties"]["title"]["analyzer"] == "kokeilu_swedish"
    assert i18n["en"]["properties"]["summary"]["analyzer"] == "kokeilu_english"
    assert set(body["settings"]["analysis"]["analyzer"]) >= {
        "kokeilu_finnish",
        "kokeilu_swedish",
        "kokeilu_english",
    }


def test_a_document_is_stored_with_every_facet_and_its_language_copy():
    doc = SearchDocument(
        id="tool:3",
        kind="tool",
        url="/t/",
        title="Kokeilu\ue000kortit",
        language="fi",
        year=2024,
        date=datetime.date(2024, 1, 2),
        purposes=("prototyping", "prototyping"),
    )

    source = bodies.document_source(doc)

    assert source["facets"]["purpose"] == ["prototyping"]
    assert source["facets"]["year"] == ["2024"]
    assert source["facets"]["kind"] == ["tool"]
    assert set(source["facets"]) == {facet.name for facet in FACETS}
    assert source["i18n"] == {"fi": {"title": "Kokeilu kortit", "summary": "", "body": ""}}
    assert bodies.document_from_source(source).date == doc.date


QUERIES = [
    SearchQuery(),
    SearchQuery(text="bicycle lanes", sort=Sort.RELEVANCE),
    SearchQuery(
        text="kokeilu",
        selections={"country": ("fi", "se"), "theme": ("health",), "year": ("2021",)},
        kinds=("case",),
        date_from=datetime.date(2020, 1, 1),
        sort=Sort.YEAR,
        page=3,
    ),
    SearchQuery(selections={"country": ("fi",)}, with_facets=False, sort=Sort.TITLE),
]


@pytest.mark.parametrize("query", QUERIES)
def test_elasticsearch_sends_the_shared_body_through_elasticsearch_dsl(query):
    engine = ElasticsearchEngine(EngineURL.parse("elasticsearch://localhost:1/k"))
    body = bodies.search_body(query)

    request = engine.search_request("k", body)

    assert request.to_dict() == body


def test_selections_go_to_the_post_filter_and_to_the_other_facets_aggregations():
    body = bodies.search_body(
        SearchQuery(selections={"country": ("fi",), "theme": ("health", "housing")})
    )

    assert body["post_filter"] == {
        "bool": {
            "filter": [
                {"terms": {"facets.country": ["fi"]}},
                {"terms": {"facets.theme": ["health", "housing"]}},
            ]
        }
    }
    groups = {tuple(sorted(group["aggs"])): group["filter"] for group in body["aggs"].values()}
    assert groups[("country",)] == {
        "bool": {"filter": [{"terms": {"facets.theme": ["health", "housing"]}}]}
    }
    assert groups[("theme",)] == {"bool": {"filter": [{"terms": {"facets.country": ["fi"]}}]}}
    # every unselected facet is counted under both selections, in one filter aggregation
    assert len(body["aggs"]) == 3
    sizes = {
        name: aggregation["terms"]["size"]
        for group in body["aggs"].values()
        for name, aggregation in group["aggs"].items()
    }
    assert sizes == {facet.name: facet.size for facet in FACETS}
    # base filters stay in the query, where they also restrict the counts
    assert body["query"]["bool"]["filter"] == [{"terms": {"visibility": ["public"]}}]
