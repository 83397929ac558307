"""The legal and trust pages: in each language, linked from every page's footer, with the
settings they name."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from app.auth.models import User
from tests.unit.helpers import IsolatedClient, page_text

PAGES = ("/accessibility", "/privacy", "/legal-notice", "/contact")
# A sentence of each page in each language: the page is that language's own text.
WORDING = {
    "en": {"/accessibility": "partially compliant", "/privacy": "How long it is kept",
           "/legal-notice": "Publisher", "/contact": "data protection officer"},
    "fr": {"/accessibility": "partiellement conforme",
           "/privacy": "Combien de temps elles sont conservées",
           "/legal-notice": "Éditeur", "/contact": "délégué à la protection des données"},
    "nl": {"/accessibility": "gedeeltelijk",
           "/privacy": "Hoelang ze worden bewaard",
           "/legal-notice": "Uitgever", "/contact": "functionaris voor gegevensbescherming"},
}


@pytest.mark.parametrize("language", ["en", "fr", "nl"])
@pytest.mark.parametrize("path", PAGES)
def test_each_legal_page_is_written_in_the_readers_language(
        client: FlaskClient, language: str, path: str) -> None:
    response = client.get(path, headers={"Accept-Language": language})
    assert response.status_code == 200
    text = page_text(response)
    assert f'<html lang="{language}">' in text
    assert WORDING[language][path] in text
    others = [WORDING[other][path] for other in WORDING if other != language]
    assert not any(sentence in text for sentence in others)


def test_every_page_footer_links_to_the_four_legal_pages(client: FlaskClient) -> None:
    for path in ("/", "/login", "/catalogue/", "/accessibility"):
        text = page_text(client.get(path, follow_redirects=True))
        footer = text[text.index('<footer'):]
        for page in PAGES:
            assert f'href="{page}"' in footer, (path, page)


def test_the_accessibility_statement_follows_the_eu_model(client: FlaskClient) -> None:
    text = page_text(client.get("/accessibility", headers={"Accept-Language": "en"}))
    for heading in ("Compliance status", "Non-accessible content",
                    "Preparation of this accessibility statement",
                    "Feedback and contact information", "Enforcement procedure"):
        assert f"<h2>{heading}</h2>" in text
    assert "Directive (EU) 2016/2102" in text and "WCAG) 2.1" in text
    assert "Ombuds Bruxelles" in text and "https://www.ombuds.brussels" in text
    assert '<time datetime="2026-12-04">' in text


def test_the_privacy_notice_names_the_dpo_of_the_setting_and_the_legal_bases(
        tmp_path: Path) -> None:
    app = create_app("testing", INSTANCE_DIR=str(tmp_path), DPO_EMAIL="dpd@example.brussels")
    app.test_client_class = IsolatedClient
    text = page_text(app.test_client().get("/privacy", headers={"Accept-Language": "en"}))
    assert "mailto:dpd@example.brussels" in text
    assert "6.1.e" in text and "6.1.c" in text
    assert "rue de la Presse 35" in text
    assert "My data" in text  # the right of access says where to exercise it


def test_the_legal_notice_shows_the_enterprise_number_only_once_set(
        client: FlaskClient, tmp_path: Path) -> None:
    assert "Enterprise number" not in page_text(
        client.get("/legal-notice", headers={"Accept-Language": "en"}))
    app = create_app("testing", INSTANCE_DIR=str(tmp_path),
                     PUBLISHER_ENTERPRISE_NUMBER="0316.381.039",
                     PUBLISHER_ADDRESS="Place Saint-Lazare 2, 1035 Bruxelles")
    app.test_client_class = IsolatedClient
    text = page_text(app.test_client().get("/legal-notice", headers={"Accept-Language": "en"}))
    assert "Enterprise number: 0316.381.039" in text
    assert "Place Saint-Lazare 2, 1035 Bruxelles" in text


def test_the_settings_can_come_from_the_environment(tmp_path: Path) -> None:
    from config import load_config

    cfg = load_config("development", env={"INSTANCE_DIR": str(tmp_path),
                                          "DPO_EMAIL": "x@example.org",
                                          "PUBLISHER_ENTERPRISE_NUMBER": "0123.456.789"})
    assert cfg["DPO_EMAIL"] == "x@example.org"
    assert cfg["PUBLISHER_ENTERPRISE_NUMBER"] == "0123.456.789"
    assert load_config("development", env={"INSTANCE_DIR": str(tmp_path)})[
        "CONTACT_EMAIL"] == "contact@participation.brussels"


def test_a_logged_in_person_finds_my_data_in_the_footer(
        app: Flask, client: FlaskClient, make_user: Callable[..., User],
        login: Callable[[User], None]) -> None:
    login(make_user(language="en"))
    footer = page_text(client.get("/"))
    footer = footer[footer.index("<footer"):]
    assert 'href="/account/my-data"' in footer
    assert 'href="/staff/erasure-requests"' not in footer
