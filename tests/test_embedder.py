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


def test_the_models_words_never_lose_the_fact_the_users_question_found(tmp_path, embedder):
    from jarvis_desktop.core.tools import Toolbox

    with MemoryStore(tmp_path / "m.sqlite3", embedder=embedder) as store:
        store.add("the spare bulbs are in the shoebox on the landing")
        store.add("the kitchen light switch is by the back door")
        question = "a lamp has gone pop, where are the replacements"
        alone, with_words = store.recall(question), store.recall(f"{question} kitchen light")
        assert alone.facts[0].text.startswith("the spare bulbs") and not alone.sure
        assert with_words.facts[0].text.startswith("the kitchen light") and not with_words.sure
        # the model's words led the search astray, and made it no surer: the question's own find is said
        out = Toolbox(memory=store).run('call:recall{about:"kitchen light"}', "sir", question)
        assert out.result.reply == ("The nearest I have noted, sir: the spare bulbs are in the shoebox on the "
                                    "landing; you told me today.")


def test_the_models_words_alone_never_make_another_fact_the_answer(tmp_path, embedder):
    """v4 wrote "When's my physio appointment?" as a recall of "dentist appointment", and said the
    dentist's as the answer: a fact made sure only by the model's words, with a word of the
    user's question it does not hold, is said as the nearest noted."""
    from jarvis_desktop.core.tools import Toolbox

    with MemoryStore(tmp_path / "m.sqlite3", embedder=embedder) as store:
        store.add("the dentist appointment is on 9 October at 2:15pm at Clifton Dental")
        store.add("the car insurance renews on the 1st of February")
        question = "When's my physio appointment?"
        assert not store.recall(question).sure and store.recall(f"{question} dentist appointment").sure
        out = Toolbox(memory=store).run('call:recall{about:"dentist appointment"}', "sir", question)
        assert out.result.reply.startswith("The nearest I have noted, sir: the dentist appointment")
        assert out.result.data["sure"] is False
        # the user's own words all held: the answer
        out = Toolbox(memory=store).run('call:recall{about:"appointment"}', "sir", "when is the dentist appointment")
        assert out.result.reply.startswith("The dentist appointment is on 9 October") and out.result.data["sure"]


def test_a_fact_naming_the_relation_asked_about_ranks_nearer_but_is_not_made_sure(tmp_path, embedder):
    with MemoryStore(tmp_path / "m.sqlite3", embedder=embedder) as store:
        for fact in ("my daughter's best friend is Ruby Patel", "my great-aunt Doris is ninety-four",
                     "my wife's best friend from school is Niamh Gallagher", "my son's girlfriend is called Tegan"):
            store.add(fact)
        question = "I'm planning a surprise party for my missus and need to invite the one she's known since childhood"
        assert store.similar(question)[0][0].text.startswith("my daughter's")  # by meaning alone
        found = store.recall(question)  # "missus" is "wife"
        assert found.facts[0].text == "my wife's best friend from school is Niamh Gallagher" and not found.sure


def test_recall_says_a_fact_as_the_answer_only_when_it_surely_is_one(tmp_path, embedder):
    with MemoryStore(tmp_path / "m.sqlite3", embedder=embedder) as store:
        for fact in ("mum's birthday is on 14 March", "the boiler was serviced in March",
                     "my car is parked on level 3 of the Broadmead car park"):
            store.add(fact)
        mother = store.recall("when's my mother's birthday")
        assert mother.sure and mother.facts[0].text == "mum's birthday is on 14 March"
        nephew = store.recall("when is my nephew's birthday")  # another relation: never the answer
        assert not nephew.sure and [f.text for f in nephew.facts] in ([], ["mum's birthday is on 14 March"])
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
        assert assistant.notes("what's the number for the council") == []  # the made-up notes share "number" alone
        words_alone = Assistant(tools=Toolbox(memory=MemoryStore(tmp_path / "w.sqlite3")))
        words_alone.memory.add("note 1: the blue box number 1 belongs to Sam")
        assert words_alone.notes("which blue box has number 1") == ["note 1: the blue box number 1 belongs to Sam"]


def test_the_fact_nearest_in_meaning_is_a_note_though_the_question_shares_no_words_with_it(tmp_path, embedder):
    """A question is seldom put in the words its fact was told in: the nearest fact by meaning
    is a note from NOTES_MEANT, and a message about nothing kept gets none."""
    from jarvis_desktop.core.assistant import Assistant
    from jarvis_desktop.core.notes import NOTES_MEANT
    from jarvis_desktop.core.tools import Toolbox

    with MemoryStore(tmp_path / "m.sqlite3", embedder=embedder) as store:
        for text in ("I'm a sixteen inch collar in shirts", "the wifi router is in the cupboard under the stairs",
                     "the bins go out on Tuesday night", "my sister Imogen lives in Cardiff"):
            store.add(text)
        assistant = Assistant(tools=Toolbox(memory=store))
        asked = "where's the box that runs the internet"
        assert store.search(asked, at_least=2) == []  # no two words in common: by words, no note
        assert assistant.notes(asked) == ["the wifi router is in the cupboard under the stairs"]
        assert assistant.notes("what neck size should I buy a work shirt in") == [
            "you're a sixteen inch collar in shirts"]
        for other in ("what's the capital of France", "set a timer for ten minutes", "tell me a joke"):
            assert assistant.notes(other) == [], other
            assert store.similar(other, top=1)[0][1] < NOTES_MEANT


# --- the model tuned on the memory's search pairs (convert/embedder.py) ----------------------------

def _asked_in(*names: str) -> tuple[set[str], list[set[str]]]:
    import json
    import re

    from jarvis_desktop.core.paths import asset

    asks, tells = set(), []
    for folder, name in names:
        for line in asset("data", folder, name).read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            asks |= {a.lower().strip(" ?") for a in row.get("asks") or [row.get("ask")] if a}
            if row.get("tell"):
                tells.append(set(re.findall(r"[a-z0-9']+", row["tell"].lower())))
    return asks, tells


def test_the_search_pairs_are_whole_and_none_is_asked_or_told_in_the_dev_or_heldout_sets():
    import re

    from convert.embedder import search_pairs

    pairs = search_pairs()
    shipped = [p for p in pairs if "search_pairs.jsonl" in p.where]
    assert len(shipped) >= 350 and len(pairs) > len(shipped)  # and the memory-context recall examples
    assert all(p.facts and all(p.facts) and len(p.asks) >= 1 for p in pairs)
    assert all(len(p.asks) == 3 for p in shipped)
    # each fact in the forms the memory may keep it: first as told, without the words that ask for keeping
    assert not [p.where for p in shipped if re.match(r"(?i)(remember|note|don't let me forget)\b", p.facts[0])]
    asks, tells = _asked_in(("dev", "memory_dev.jsonl"), ("eval", "memory_heldout.jsonl"))
    stop = set("the a an my is at in on of to and i that remember note our your for it with".split())
    for p in shipped:
        assert not {a.lower().strip(" ?") for a in p.asks} & asks, p.where
        words = set(re.findall(r"[a-z0-9']+", p.facts[0].lower())) - stop
        for told in tells:
            overlap = len(words & (told - stop)) / max(1, len(words | (told - stop)))
            assert overlap <= 0.34, f"{p.where} is near a development or held-out tell ({overlap:.2f})"


def test_a_bad_search_pair_says_where_and_what_it_needs(tmp_path):
    from convert.embedder import search_pairs
    from jarvis_desktop.core.errors import DataError

    path = tmp_path / "pairs.jsonl"
    path.write_text('{"tell": "remember my locker is 212", "asks": ["which locker is mine"]}\n{"tell": "x"}\n')
    with pytest.raises(DataError, match=r"pairs.jsonl:2: needs \"tell\".*\"asks\""):
        search_pairs(path, tmp_path / "none.jsonl")
    path.write_text('{"tell": "remember my locker is 212", "asks": ["which locker is mine"]}\n{oops\n')
    with pytest.raises(DataError, match=r"pairs.jsonl:2: not JSON"):
        search_pairs(path, tmp_path / "none.jsonl")
    path.write_text('{"tell": "Remember that my locker is 212.", "asks": ["which locker is mine"]}\n')
    (pair,) = search_pairs(path, tmp_path / "none.jsonl")
    assert pair.facts == ("my locker is 212",) and pair.asks == ("which locker is mine",)


def test_tuning_brings_each_question_nearer_the_fact_that_answers_it(tmp_path):
    """On the real all-MiniLM-L6-v2: the indirect questions of 16 pairs, each against the 16
    facts, before and after a short tuning on them (the set-up tunes on all the pairs)."""
    import zipfile

    import torch
    from transformers import AutoModel, AutoTokenizer

    from convert.embedder import _model_zip, search_pairs, tune_embedder

    folder = tmp_path / "model"
    with zipfile.ZipFile(_model_zip()) as zf:
        zf.extractall(folder)
    pairs = [p for p in search_pairs() if "search_pairs.jsonl" in p.where][:16]
    facts, questions = [p.facts[0] for p in pairs], [p.asks[-1] for p in pairs]  # the indirect ones

    def ranked_first() -> int:
        tok, model = AutoTokenizer.from_pretrained(folder), AutoModel.from_pretrained(folder).eval()
        with torch.no_grad():
            def encode(texts):
                b = tok(texts, padding=True, return_tensors="pt")
                h, m = model(**b).last_hidden_state, b["attention_mask"].unsqueeze(-1).float()
                return torch.nn.functional.normalize((h * m).sum(1) / m.sum(1), dim=-1)
            sims = encode(questions) @ encode(facts).T
        return int((sims.argmax(1) == torch.arange(len(pairs))).sum())

    before = ranked_first()
    done = tune_embedder(folder, pairs, settings={"epochs": 4, "batch": 16})
    after = ranked_first()
    assert done["pairs"] == 16 and done["steps"] == 4
    assert after > before and after >= 14, (before, after)


def test_the_tuned_model_is_named_by_what_it_was_tuned_on_and_used_first(tmp_path, monkeypatch):
    import sys

    import jarvis_desktop.core.embedder as emb

    assets = tmp_path / "assets"
    (assets / "data" / "memory").mkdir(parents=True)
    pairs = assets / "data" / "memory" / "search_pairs.jsonl"
    pairs.write_text('{"tell": "remember my locker is 212", "asks": ["which locker is mine"]}\n')
    monkeypatch.setattr(emb, "asset", lambda *parts: assets.joinpath(*parts))
    monkeypatch.setenv("JARVIS_CACHE", str(tmp_path / "cache"))
    key = emb.tuned_key()
    assert emb.tuned_path().name == f"all-MiniLM-L6-v2-jarvis-{key}-f16.gguf"
    pairs.write_text(pairs.read_text() + '{"tell": "note the bins go out on Tuesday", "asks": ["bin day?"]}\n')
    assert emb.tuned_key() != key  # other pairs: another model, whose vectors the memory makes afresh
    assert emb.default_embedder() is None  # nothing set up
    emb.embedder_path().parent.mkdir(parents=True)
    emb.embedder_path().write_bytes(b"as shipped")
    assert emb.default_embedder().path == emb.embedder_path()
    bundle = tmp_path / "bundle"  # a desktop bundle carries the set-up's model (build.spec)
    (bundle / "embedder").mkdir(parents=True)
    (bundle / "embedder" / emb.tuned_path().name).write_bytes(b"bundled")
    monkeypatch.setattr(sys, "_MEIPASS", str(bundle), raising=False)
    assert emb.default_embedder().path == bundle / "embedder" / emb.tuned_path().name
    emb.tuned_path().write_bytes(b"tuned")
    assert emb.default_embedder().path == emb.tuned_path() and emb.default_embedder().name == emb.tuned_path().stem


def test_the_self_check_says_whether_the_memory_finds_facts_by_meaning(tmp_path, monkeypatch, embedder):
    from jarvis_desktop.core.errors import JarvisError
    from jarvis_desktop.selfcheck import _memory_search

    assert _memory_search().startswith("the memory finds facts by meaning (all-MiniLM-L6-v2")
    monkeypatch.setenv("JARVIS_CACHE", str(tmp_path / "empty"))
    with pytest.raises(JarvisError, match="words alone"):
        _memory_search()


def test_a_set_up_that_cannot_tune_makes_the_model_as_shipped(tmp_path, monkeypatch):
    import sys

    import convert.embedder as conv
    from jarvis_desktop.core.errors import DataError

    base, tuned = tmp_path / "base-f16.gguf", tmp_path / "tuned-f16.gguf"
    monkeypatch.setattr(conv, "embedder_path", lambda: base)
    monkeypatch.setattr(conv, "tuned_path", lambda: tuned)

    def broken(*_a, **_k):
        raise DataError(tmp_path / "pairs.jsonl", 3, "not JSON")
    monkeypatch.setattr(conv, "search_pairs", broken)
    assert conv.prepare_embedder() == base and base.is_file() and not tuned.exists()
    e = Embedder(base)
    assert e.embed("my brother Tom lives in Glasgow").shape == (384,)  # a working model all the same
    e.close()
    monkeypatch.setitem(sys.modules, "torch", None)  # a set-up of the app alone: no PyTorch
    assert conv.prepare_embedder() == base


def test_a_set_up_asked_for_the_model_as_shipped_is_not_overruled_by_a_tuned_one(tmp_path, monkeypatch):
    """`jarvis-convert setup --untuned` after a tuned set-up: the app then uses the model as
    shipped (the tuned file in the cache was picked first before)."""
    import convert.embedder as conv
    import jarvis_desktop.core.embedder as emb

    monkeypatch.setenv("JARVIS_CACHE", str(tmp_path / "cache"))
    emb.embedder_path().parent.mkdir(parents=True)
    emb.embedder_path().write_bytes(b"as shipped")
    emb.tuned_path().write_bytes(b"tuned")
    assert emb.default_embedder().path == emb.tuned_path()
    assert conv.prepare_embedder(tune=False) == emb.embedder_path()
    assert not emb.tuned_path().exists() and emb.default_embedder().path == emb.embedder_path()
