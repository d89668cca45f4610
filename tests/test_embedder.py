"""The memory's embedding model (all-MiniLM-L6-v2 from its PyPI package, made a GGUF by
jarvis-convert setup) and finding facts by meaning through it, on the real model."""

from __future__ import annotations

import sqlite3

import pytest

from jarvis_desktop.core.embedder import Embedder, embedder_path
from jarvis_desktop.core.errors import ModelError
from jarvis_desktop.core.memory import MemoryStore


@pytest.fixture(scope="module")
def embedder():
    from convert.embedder import prepare_embedder

    e = Embedder(prepare_embedder())
    yield e
    e.close()


def test_vectors_are_unit_length_and_closer_for_the_same_meaning(embedder):
    a = embedder.embed("my brother Tom lives in Glasgow")
    near = embedder.embed("which city is my sibling based in")
    far = embedder.embed("how do I descale the kettle")
    assert a.shape == (384,) and abs(float((a * a).sum()) - 1.0) < 1e-4
    assert float(a @ near) > float(a @ far) + 0.2


def test_a_missing_model_says_how_to_make_it(tmp_path):
    with pytest.raises(ModelError, match="jarvis-convert setup"):
        Embedder(tmp_path / "none.gguf").embed("hello")
    assert embedder_path().name == "all-MiniLM-L6-v2-f16.gguf"


def test_recall_finds_a_fact_by_meaning_and_nothing_for_an_unrelated_question(tmp_path, embedder):
    with MemoryStore(tmp_path / "m.sqlite3", embedder=embedder) as store:
        store.add("my brother Tom lives in Glasgow")
        store.add("the boiler was serviced in March")
        store.add("I take my tea with no sugar")
        assert [f.text for f in store.recall("which city is my sibling based in").facts] == ["my brother Tom lives in Glasgow"]
        assert store.search("which city is my sibling based in") == []  # the words alone miss it
        assert not store.recall("what's the capital of Peru")  # never the nearest guess


def test_recall_says_a_fact_as_the_answer_only_when_it_surely_is_one(tmp_path, embedder):
    with MemoryStore(tmp_path / "m.sqlite3", embedder=embedder) as store:
        for fact in ("mum's birthday is on 14 March", "the boiler was serviced in March",
                     "my car is parked on level 3 of the Broadmead car park"):
            store.add(fact)
        mother = store.recall("when's my mother's birthday")
        assert mother.sure and mother.facts[0].text == "mum's birthday is on 14 March"
        nephew = store.recall("when is my nephew's birthday")  # another relation: only the nearest noted
        assert nephew.facts[0].text == "mum's birthday is on 14 March" and not nephew.sure
        floor = store.recall("which floor is the car on")  # found by meaning, a paraphrase: said as the nearest
        assert floor.facts[0].text.startswith("my car is parked") and not floor.sure
        assert store.recall("when was the boiler serviced").sure
        assert not store.recall("what's the capital of Peru")


def test_facts_kept_without_the_model_are_found_by_meaning_later_and_vectors_go_with_a_delete(tmp_path, embedder):
    path = tmp_path / "m.sqlite3"
    with MemoryStore(path) as words_only:
        words_only.add("my brother Tom lives in Glasgow")
    with MemoryStore(path, embedder=embedder) as store:
        assert store.recall("which city is my sibling based in").facts[0].text == "my brother Tom lives in Glasgow"
        db = sqlite3.connect(path)
        assert db.execute("SELECT COUNT(*) FROM vectors").fetchone()[0] == 1  # embedded when first needed
        db.close()
        store.delete([f.id for f in store.facts()])
        assert not store.recall("which city is my sibling based in")
    db = sqlite3.connect(path)
    assert db.execute("SELECT COUNT(*) FROM vectors").fetchone()[0] == 0
    db.close()


def test_a_broken_model_leaves_the_memory_working_by_words(tmp_path):
    broken = Embedder(tmp_path / "missing.gguf")
    with MemoryStore(tmp_path / "m.sqlite3", embedder=broken) as store:
        store.add("my car is parked on level 3")  # kept, without a vector
        assert [f.text for f in store.recall("where is my car parked").facts] == ["my car is parked on level 3"]


def test_a_text_is_embedded_once_and_a_forgotten_facts_words_leave_no_vector_behind(tmp_path, embedder):
    first = embedder.embed("where did I park the car")
    assert embedder.embed("where did I park the car") is first and not first.flags.writeable
    with MemoryStore(tmp_path / "m.sqlite3", embedder=embedder) as store:
        fact = store.add("my car is parked on level 3")
        assert "my car is parked on level 3" in embedder._recent
        store.delete([fact.id])
        assert not embedder._recent  # no copy of the forgotten words stays in memory


def test_a_search_by_meaning_ranks_only_the_facts_that_can_come_first(tmp_path, embedder):
    with MemoryStore(tmp_path / "m.sqlite3", embedder=embedder) as store:
        facts = [store.add(text) for text in ("my brother Tom lives in Glasgow", "the boiler was serviced in March",
                                              "I take my tea with no sugar", "the bins go out on Tuesday")]
        every = store.similar("which city is my sibling based in")
        assert [f.text for f, _ in every][0] == "my brother Tom lives in Glasgow" and len(every) == 4
        some = store.similar("which city is my sibling based in", top=1, also={facts[3].id})
        assert [f.id for f, _ in some] == [every[0][0].id, facts[3].id]  # still most similar first
        assert [s for _, s in some] == [s for f, s in every if f.id in {every[0][0].id, facts[3].id}]
        store.delete([facts[0].id])  # the matrix follows the facts
        assert facts[0].id not in {f.id for f, _ in store.similar("which city is my sibling based in")}


def test_notes_in_a_prompt_are_near_the_message_in_meaning_not_only_in_words(tmp_path, embedder):
    """With the embedding model, a fact sharing two words with the message but nothing of its
    meaning is no note (it cost prompt tokens and bore on nothing); a near one still is."""
    from jarvis_desktop.core.assistant import Assistant
    from jarvis_desktop.core.tools import Toolbox

    with MemoryStore(tmp_path / "m.sqlite3", embedder=embedder) as store:
        for n in range(50):
            store.add(f"note {n}: the blue box number {n} belongs to Sam")
        store.add("the spare HDMI cable is in the blue box under the stairs")
        assistant = Assistant(tools=Toolbox(memory=store))
        assert assistant.notes("where did I put the spare HDMI cable, the blue box?") == [
            "the spare HDMI cable is in the blue box under the stairs"]
        assert assistant.notes("what number is the locker") == []  # the made-up notes share "number" alone
        words_alone = Assistant(tools=Toolbox(memory=MemoryStore(tmp_path / "w.sqlite3")))
        words_alone.memory.add("note 1: the blue box number 1 belongs to Sam")
        assert words_alone.notes("which blue box has number 1") == ["note 1: the blue box number 1 belongs to Sam"]
