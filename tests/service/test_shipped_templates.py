"""The shipped templates: valid, complete in three languages, and never edited once released."""

import hashlib
from pathlib import Path

import pytest

from service.audits.templates import load_folder
from service.datafiles import DataFileInvalid
from service.kpis import TEMPLATES_DIR

# A released file is never edited: add a new version instead, and its checksum here.
RELEASED = {
    "buyer-readiness-v1.yaml": "a675f5ed721cef498339b973b125a7f8beb8bf0b0bebb9e8ce8f5556c3afe5f2",
    "food-supplier-v1.yaml": "e4b1d05011fa7460d6db860b66995a4b7f292a5f3aea6d5533736cf855031ec0",
    "packaging-supplier-v1.yaml": "135d4889cd0f0592adbfc514687c3646f0c9cd861831577362a056bb7ccdf8c6",
    "supplier-evaluation-v1.yaml": "8e2cd69bc9d7732590f149ce92290ed22c74c5a03a6f1f416eae947094e52310",
}


def test_every_shipped_template_is_listed_with_its_released_checksum() -> None:
    shipped = {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(TEMPLATES_DIR.glob("*-v*.yaml"))
    }
    assert shipped == RELEASED


def test_the_shipped_templates_cover_the_method() -> None:
    templates = load_folder()
    questions = {key: sum(1 for _ in t.questions()) for key, t in templates.items()}
    assert sorted(templates) == [
        ("buyer-readiness", 1),
        ("food-supplier", 1),
        ("packaging-supplier", 1),
        ("supplier-evaluation", 1),
    ]
    assert questions[("supplier-evaluation", 1)] >= 50
    evaluation = templates[("supplier-evaluation", 1)]
    assert [s.id for s in evaluation.sections] == [
        "management",
        "quality",
        "production",
        "logistics",
        "delivery",
        "finance",
        "people",
        "ehs",
    ]
    assert templates[("buyer-readiness", 1)].applies_to == ["buyer"]


def test_a_broken_template_in_the_folder_stops_the_boot(tmp_path: Path) -> None:
    (tmp_path / "broken-v1.yaml").write_text("id: broken\nversion: 1\n", encoding="utf-8")
    with pytest.raises(DataFileInvalid) as caught:
        load_folder(tmp_path)
    assert "broken-v1.yaml:1: title: Field required" in str(caught.value)
