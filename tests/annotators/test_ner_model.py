"""The optional model pre-annotator, on a tiny token-classification model this test builds.

The model's weights are set by hand so that it tags known words (the test checks the plumbing:
loading from a local folder, character offsets, label mapping, merge with the knowledge base and
the rules), not a model's quality. Skipped without transformers, except in CI, which installs it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

try:
    import torch
    from transformers import BertConfig, BertForTokenClassification, BertTokenizer
except ImportError:
    if os.environ.get("CI"):
        raise
    pytest.skip("transformers and torch are not installed (extra ner-model)", allow_module_level=True)

from conftest import KNOWLEDGE

from dataset_builder import pipeline
from dataset_builder.annotators.entities import annotate_entities
from dataset_builder.annotators.ner_model import load_tagger
from dataset_builder.documents import Document, check_spans
from dataset_builder.errors import InputError
from dataset_builder.pipeline import SHARD_FILES, silver_documents

VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "zorba", "quintavalle", "cairo", "met", "in", "."]
LABELS = ["O", "B-PERS", "I-PERS", "B-GPE", "I-GPE"]
TAGS = {"zorba": 1, "quintavalle": 2, "cairo": 3}


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A one-layer-free BERT whose word embeddings point straight at a label: zorba → B-PERS,
    quintavalle → I-PERS, cairo → B-GPE, everything else → O."""
    folder = tmp_path_factory.mktemp("tiny-ner")
    config = BertConfig(
        vocab_size=len(VOCAB),
        hidden_size=8,
        num_hidden_layers=0,
        num_attention_heads=1,
        intermediate_size=8,
        max_position_embeddings=64,
        id2label=dict(enumerate(LABELS)),
        label2id={label: i for i, label in enumerate(LABELS)},
    )
    torch.manual_seed(0)
    model = BertForTokenClassification(config)
    with torch.no_grad():
        embeddings = model.bert.embeddings
        embeddings.position_embeddings.weight.zero_()
        embeddings.token_type_embeddings.weight.zero_()
        embeddings.LayerNorm.weight.fill_(1.0)
        embeddings.LayerNorm.bias.zero_()
        words = embeddings.word_embeddings.weight
        words.zero_()
        for i, word in enumerate(VOCAB):
            words[i, TAGS.get(word, 0)] = 4.0
            words[i, 7] = -4.0
        model.classifier.weight.zero_()
        model.classifier.bias.zero_()
        for j in range(len(LABELS)):
            model.classifier.weight[j, j] = 1.0
    model.save_pretrained(folder)
    BertTokenizer(vocab={w: i for i, w in enumerate(VOCAB)}, do_lower_case=True).save_pretrained(folder)
    return folder


def test_model_spans_are_merged_with_the_knowledge_base(model_dir: Path) -> None:
    text = "Zorba Quintavalle met in Cairo.\nQuintavalle met Egypt."
    doc = Document("d", "d.txt", "en", text, 0, len(text))
    tagger = load_tagger(model_dir)
    assert tagger.raw_spans(text) == [(0, 17, "PERS"), (25, 30, "GPE"), (32, 43, "PERS")]
    spans = annotate_entities(doc, KNOWLEDGE.entities, tagger).entities
    check_spans(text, spans, "model")
    assert [(s.text, s.label, s.entity_id) for s in spans] == [
        ("Zorba Quintavalle", "PER", None),  # the model's name, which nothing else knows
        ("Cairo", "LOC", "cairo"),  # the knowledge base's span and id
        ("Quintavalle", "PER", None),  # offsets from the second line are offsets in the text
        ("Egypt", "LOC", "egypt"),
    ]
    without = annotate_entities(doc, KNOWLEDGE.entities).entities
    assert "Zorba Quintavalle" not in [s.text for s in without]


def test_lines_longer_than_the_model_are_cut_into_windows(model_dir: Path) -> None:
    tagger = load_tagger(model_dir)
    assert tagger.max_tokens == 62  # 64 positions less [CLS] and [SEP]
    text = "met in " * 60 + "Zorba Quintavalle met in Cairo."
    offset = len("met in " * 60)
    assert tagger.raw_spans(text) == [(offset, offset + 17, "PERS"), (offset + 25, offset + 30, "GPE")]


def test_build_pipeline_takes_the_model_folder(model_dir: Path, tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "100_model.txt").write_text(
        "Talks in Cairo\nZorba Quintavalle met officials in Cairo on Monday.\n", encoding="utf-8"
    )
    (doc,) = silver_documents(seeds, KNOWLEDGE, ner_model=model_dir)
    assert ("Zorba Quintavalle", "PER") in [(s.text, s.label) for s in doc.entities]


def test_the_model_is_loaded_once_per_build_and_passed_not_cached_by_path(
    model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The silver context loads it once and every shard uses that one; no module cache keyed by the
    folder keeps a model alive (or hands a stale one back) after the build that loaded it."""
    assert load_tagger(model_dir) is not load_tagger(model_dir)
    loaded: list[Path] = []

    def counted(folder: Path) -> object:
        loaded.append(folder)
        return load_tagger(folder)

    monkeypatch.setattr(pipeline, "load_tagger", counted)
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for i in range(SHARD_FILES + 1):  # two shards
        (seeds / f"{100 + i}_model.txt").write_text(f"Talks {i}\nZorba Quintavalle met in Cairo.\n", "utf-8")
    docs = list(silver_documents(seeds, KNOWLEDGE, ner_model=model_dir))
    assert len(docs) == SHARD_FILES + 1
    assert all(("Zorba Quintavalle", "PER") in [(s.text, s.label) for s in d.entities] for d in docs)
    assert loaded == [model_dir]


def test_a_folder_without_a_model_is_a_clear_error(tmp_path: Path, model_dir: Path) -> None:
    with pytest.raises(InputError, match=r"no config\.json"):
        load_tagger(tmp_path)
    broken = tmp_path / "broken"
    shutil.copytree(model_dir, broken)
    for weights in broken.glob("*.safetensors"):
        weights.unlink()
    with pytest.raises(InputError, match="cannot load"):
        load_tagger(broken)
