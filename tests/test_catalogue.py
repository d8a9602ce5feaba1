"""Every catalogue quotes its source verbatim and accounts for every line of it."""

from pathlib import Path

import pytest

from gongkai.packs.catalogue import CatalogueError, check_against_source, load_catalogue

RULES = Path(__file__).resolve().parent.parent / "rules"
CATALOGUES = sorted(RULES.glob("*/clauses.yaml"))


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parent.name)
def test_catalogue_is_verbatim_and_complete(path: Path) -> None:
    catalogue = load_catalogue(path, RULES / "sources")
    assert catalogue.clauses, "a catalogue with no clauses"
    assert all(c.id.startswith(catalogue.document.code + "-") for c in catalogue.clauses)


def test_a_paraphrased_clause_is_rejected() -> None:
    catalogue = load_catalogue(RULES / "QL" / "clauses.yaml", RULES / "sources")
    clause = catalogue.clauses[0]
    tampered = catalogue.model_copy(update={"clauses": [clause.model_copy(update={"text": clause.text + "〇〇"})]})
    source = (RULES / "sources" / catalogue.document.source).read_text(encoding="utf-8")
    with pytest.raises(CatalogueError, match="not verbatim"):
        check_against_source(tampered, source)


def _catalogue(*texts: str) -> object:
    from gongkai.packs.catalogue import Catalogue

    return Catalogue.model_validate(
        {
            "document": {"code": "QL", "title": "t", "issuer": "i", "source": "s"},
            "clauses": [
                {"id": f"QL-1-{n}", "path": "p", "text": t, "class": "not-checkable", "reason": "r"}
                for n, t in enumerate(texts, 1)
            ],
        }
    )


def test_a_printed_line_may_be_split_into_several_clauses() -> None:
    source = "一、甲应当公开。乙应当备案。\n二、丙。\n"
    check_against_source(_catalogue("一、甲应当公开。", "乙应当备案。", "二、丙。"), source)


def test_a_sentence_left_out_of_every_clause_is_named() -> None:
    source = "一、甲应当公开。乙应当备案。\n"
    with pytest.raises(CatalogueError, match="source text in no clause nor omitted: '乙应当备案。'"):
        check_against_source(_catalogue("一、甲应当公开。"), source)
