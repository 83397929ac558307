"""Catalogue search on PostgreSQL: same answers as on SQLite, backed by the trigram index."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import text

from app.catalogue.services import browse
from app.demo.seed import seed_demo
from app.extensions import db


@pytest.fixture
def seeded(record_app: Flask) -> Flask:
    with record_app.app_context():
        seed_demo()
        db.session.commit()
    return record_app


@pytest.mark.parametrize(("query", "code"), [
    ("évaluation", "L6-REPORT"), ("EVALUATION", "L6-REPORT"), ("facilit", "L3-WS-HALF"),
    ("Réunion publique", "L3-MEETING"), ("tweetalige", "L4-KIT"),
])
def test_search_ignores_accents_and_case_and_matches_word_prefixes(seeded: Flask, query: str,
                                                                   code: str) -> None:
    with seeded.app_context():
        found = browse.search_items(browse.ItemFilters(q=query), per_page=100).items
        assert code in [item.code for item in found]


def test_search_does_not_match_inside_words(seeded: Flask) -> None:
    with seeded.app_context():
        assert browse.search_items(browse.ItemFilters(q="luation")).total == 0


def test_the_search_uses_the_trigram_index(seeded: Flask) -> None:
    with seeded.app_context():
        assert db.session.execute(text(
            "SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")).scalar() == 1
        db.session.execute(text("SET LOCAL enable_seqscan = off"))
        plan = "\n".join(db.session.execute(text(
            "EXPLAIN SELECT id FROM catalogue_item WHERE search_text LIKE '% evaluat%'"
        )).scalars())
        db.session.rollback()
        assert "ix_catalogue_item_search_text" in plan, plan
