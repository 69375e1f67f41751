import pytest

from network.factories import CountryFactory, MemberFactory, UserFactory


@pytest.fixture(autouse=True)
def _fresh_cache():
    """allauth keeps rate-limit counters in the cache: each test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def finland(db):
    return CountryFactory(key="fi", name="Finland")


@pytest.fixture
def sweden(db):
    return CountryFactory(key="se", name="Sweden")


@pytest.fixture
def ncp_fi(finland):
    """An active NCP for Finland (a Finnish member too)."""
    return MemberFactory(
        user=UserFactory(username="ncp-fi"),
        display_name="Ncp Finland",
        country=finland,
        ncp_country=finland,
    )


@pytest.fixture
def swede(sweden):
    """An active Swedish member with a private municipality and phone."""
    return MemberFactory(
        user=UserFactory(username="swede"),
        display_name="Sven Svensson",
        country=sweden,
        municipality="Secretville",
        phone="+46 555 0100",
        visibility={"municipality": "private", "contact": "private"},
    )


@pytest.fixture
def finn(finland):
    return MemberFactory(
        user=UserFactory(username="finn"), display_name="Aino Virtanen", country=finland
    )
