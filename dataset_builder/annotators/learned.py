"""Learning from gold: every human-annotated entity surface becomes an alias the silver annotator uses.

``learn_aliases`` rewrites ``annotations/learned_aliases.json`` from the adjudicated gold in
``annotations/documents/``; it is meant to run after each import, once the import has written its
files (``learn_aliases(annotations_dir)``), so a name annotators marked
once is pre-annotated everywhere else. The file is data, reviewable in git: each alias keeps its
sources (document and annotator), and its knowledge-base id where the base knows the surface.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from dataset_builder.annotations import adjudicate, latest_per_annotator, read_documents
from dataset_builder.knowledge.schema import (
    LEARNED_ALIASES,
    LearnedAlias,
    LearnedAliasesFile,
    LearnedSource,
    write,
)

if TYPE_CHECKING:  # a type only: the caller has compiled the knowledge already
    from dataset_builder.knowledge import Knowledge

_COMMENT = (
    "Entity surfaces learned from human gold (written by learn_aliases after each import; do not edit by hand: "
    "fix the annotation instead). The silver annotator uses them as aliases; the knowledge base wins, and a "
    "surface gold gave two labels is not used."
)


def _language(text: str, given: str | None) -> str:
    if given:
        return given
    return "ar" if any("\u0600" <= ch <= "\u06ff" for ch in text) else "en"


def learn_aliases(annotations_dir: Path, knowledge: Knowledge) -> int:
    """Rewrite ``learned_aliases.json`` from the gold of every annotated document; the number of aliases.

    Deterministic (sorted, canonical JSON); written atomically, and not rewritten when unchanged.
    An alias keeps the id the knowledge links its surface to, if any.
    """
    annotations_dir = Path(annotations_dir)
    aliases: dict[tuple[str, str, str], set[tuple[str, str]]] = {}
    for document_id, doc in sorted(read_documents(annotations_dir, knowledge.topic_ids).items()):
        gold = adjudicate(doc, knowledge.topic_ids)
        if gold is None:
            continue
        annotators = latest_per_annotator(doc.annotations)
        for span in gold.entities:
            language = _language(span.text, gold.language)
            chose = sorted(a.annotator for a in annotators if span in a.entities) or ["adjudicated"]
            key = (language, span.text, span.label)
            aliases.setdefault(key, set()).update((document_id, who) for who in chose)
    learned = LearnedAliasesFile(
        comment=_COMMENT,
        aliases=[
            LearnedAlias(
                surface=surface,
                language=language,
                label=label,
                entity_id=knowledge.entities.link(surface, language),
                sources=[LearnedSource(document_id=d, annotator=a) for d, a in sorted(sources)],
            )
            for (language, surface, label), sources in sorted(aliases.items())
        ],
    )
    # Written through the schema the loader reads it with: a file the next build would refuse is never written.
    write(annotations_dir / LEARNED_ALIASES, learned)
    return len(learned.aliases)
