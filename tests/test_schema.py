"""The field table (:mod:`dataset_builder.schema`): what the built files, the labeling config and the card rely on."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from pathlib import Path, PurePosixPath

import datasets
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import TAXONOMY
from hypothesis import given
from hypothesis import strategies as st

from dataset_builder import schema
from dataset_builder.labelstudio import config

TOPIC_IDS = [t.id for t in TAXONOMY]


@st.composite
def shares(draw: st.DrawFn) -> tuple[float, ...]:
    """One share per split, each a count over the total: they sum to 1 up to rounding."""
    counts = draw(st.lists(st.integers(0, 1000), min_size=len(schema.SPLITS), max_size=len(schema.SPLITS)))
    total = sum(counts) or 1
    return tuple(c / total for c in counts) if sum(counts) else (1.0, 0.0, 0.0)


@given(shares())
def test_shares_of_a_whole_are_valid_split_ratios(ratios: tuple[float, ...]) -> None:
    assert schema.split_ratios_ok(ratios)
    assert schema.split_ratios_ok(list(ratios))


@given(shares(), st.integers(0, len(schema.SPLITS) - 1), st.floats(1e-6, 1) | st.floats(-1, -1e-6))
def test_a_missing_extra_negative_or_wrong_share_is_refused(
    ratios: tuple[float, ...], i: int, delta: float
) -> None:
    assert not schema.split_ratios_ok(ratios[:-1])
    assert not schema.split_ratios_ok((*ratios, 0.0))
    assert not schema.split_ratios_ok(tuple(r + delta if j == i else r for j, r in enumerate(ratios)))
    assert not schema.split_ratios_ok(tuple(math.nan if j == i else r for j, r in enumerate(ratios)))
    k = (i + 1) % len(ratios)  # move all of share k and a quarter more onto share i: still sums to 1
    moved = [*ratios]
    moved[i], moved[k] = ratios[i] + ratios[k] + 0.25, -0.25
    assert not schema.split_ratios_ok(moved)  # sums to 1, but one share is negative


def test_the_default_split_ratios_are_valid() -> None:
    assert schema.split_ratios_ok(schema.DEFAULT_SPLIT_RATIOS)
    assert schema.split_ratios_ok((0.7, 0.2, 0.1)) and not schema.split_ratios_ok((0.7, 0.2, 0.2))


def test_a_configs_globs_match_its_own_shards_only() -> None:
    for name in schema.CONFIG_NAMES:
        for split in schema.SPLITS:
            for shard in (0, 7, 12345):
                path = PurePosixPath(schema.data_file(name, split, shard))
                assert path.parts == (schema.DATA_DIR, name, f"{split}-{shard:05d}.parquet")
                assert schema.split_of_file(path) == split
                assert [c for c in schema.CONFIG_NAMES if path.match(schema.data_glob(c))] == [name]
                assert [s for s in schema.SPLITS if path.match(schema.split_glob(name, s))] == [split]
            # a folder built before shards: one file per split
            assert schema.split_of_file(PurePosixPath(schema.DATA_DIR, name, f"{split}.parquet")) == split


def test_ner_tags_are_iob2_with_o_first() -> None:
    names = schema.ner_tag_names()
    assert names[0] == "O" and len(set(names)) == len(names) == 1 + 2 * len(schema.ENTITY_LABELS)
    # the ids are a published contract: B then I of each label, in the scheme's order
    assert names[1:] == [tag for label in schema.ENTITY_LABELS for tag in (f"B-{label}", f"I-{label}")]
    ner_tags = schema.features("ner")[schema.NER_TAGS]
    assert ner_tags.feature.names == names


def test_every_field_is_a_column_of_some_config_and_described() -> None:
    used = {name for fields in schema.CONFIG_FIELDS.values() for name in fields}
    assert used == set(schema.FIELDS)
    assert all(len(set(fields)) == len(fields) for fields in schema.CONFIG_FIELDS.values())
    assert schema.FIELD_DESCRIPTIONS.keys() == schema.FIELDS.keys()
    assert all(d.strip() and "\n" not in d for d in schema.FIELD_DESCRIPTIONS.values())
    assert all(source in schema.FIELD_DESCRIPTIONS[schema.DATE_SOURCE] for source in schema.DATE_SOURCES)


def test_each_field_control_is_a_control_of_the_labeling_config() -> None:
    view = ET.fromstring(config.labeling_config(TAXONOMY))
    named = {e.get("name") for e in view.iter() if e.get("name")}
    assert set(schema.CONTROLS.values()) == named
    assert all(e.get("toName") in (None, schema.CONTROLS[schema.TEXT]) for e in view.iter())


def test_topic_labels_follow_the_taxonomy_order() -> None:
    labels = schema.topics_features(TOPIC_IDS)[schema.LABELS]
    assert labels.feature.names == TOPIC_IDS
    assert schema.topics_features(TOPIC_IDS[::-1])[schema.LABELS].feature.names == TOPIC_IDS[::-1]
    assert schema.config_features(TOPIC_IDS) == {
        c: schema.features(c, TOPIC_IDS) for c in schema.CONFIG_NAMES
    }
    assert [list(schema.config_features(TOPIC_IDS)[c]) for c in schema.CONFIG_NAMES] == [
        list(schema.CONFIG_FIELDS[c]) for c in schema.CONFIG_NAMES
    ]


def test_the_translation_pairs_use_the_schema_languages() -> None:
    translation = schema.parallel_features()[schema.TRANSLATION]
    assert isinstance(translation, datasets.Translation)
    assert list(translation.languages) == sorted(schema.LANGUAGES)


def test_offsets_are_int32_and_dates_date32() -> None:
    """Readers (``datasets``, pandas, Croissant) see the types the card promises."""
    documents = schema.features("documents").arrow_schema
    ner = schema.features("ner").arrow_schema
    entity = documents.field(schema.ENTITIES).type.value_type
    cut = documents.field(schema.CUTS).type.value_type
    int32 = [documents.field(schema.SEED_START).type, documents.field(schema.SEED_END).type]
    int32 += [entity.field("start").type, entity.field("end").type, cut.field("start").type]
    int32 += [ner.field(schema.TOKEN_STARTS).type.value_type, ner.field(schema.TOKEN_ENDS).type.value_type]
    assert int32 == [pa.int32()] * len(int32)
    assert documents.field(schema.DATE).type == pa.date32()


@pytest.mark.parametrize("name", schema.CONFIG_NAMES)
def test_built_files_have_exactly_the_features_arrow_types(built: Path, name: str) -> None:
    """Offsets are int32 and dates date32 in the files themselves, not only once ``datasets`` casts them."""
    expected = schema.features(name, TOPIC_IDS).arrow_schema
    files = sorted(built.glob(schema.data_glob(name)))
    assert files
    for path in files:
        assert pq.read_schema(path).remove_metadata() == expected.remove_metadata(), path
