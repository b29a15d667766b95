"""Language negotiation and catalogues shared by errors, pages and messages."""

import pytest

from service import i18n


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("es", "es"),
        ("ES", "es"),
        ("es-NI", "es"),
        ("es_ni", "es"),
        ("fr-CA", "fr"),
        ("de", None),
        ("", None),
        (None, None),
    ],
)
def test_supported_accepts_the_forms_people_write(tag: str | None, expected: str | None) -> None:
    assert i18n.supported(tag) == expected


def test_accept_language_orders_by_quality_and_falls_back_to_the_language() -> None:
    assert i18n.accepted("de-DE,fr-CA;q=0.4,es-NI;q=0.8,*;q=0.1") == ["es", "fr"]
    assert i18n.accepted("fr;q=0, en") == ["en"]
    assert i18n.accepted("es;q=bogus, fr") == ["fr"]
    assert i18n.accepted(None) == []


def test_choose_takes_the_first_spoken_candidate() -> None:
    assert i18n.choose(None, ["de", "fr"], "es") == "fr"
    assert i18n.choose("pt", [], None) == "en"
    assert i18n.choose(None, "ES-ni") == "es"


def test_a_missing_catalogue_gives_the_english_text() -> None:
    assert i18n.translations("es", "no-such-domain").gettext("Not Found") == "Not Found"
