"""Optional model pre-annotator: a local Hugging Face token-classification model (``build --ner-model DIR``).

The model adds names neither the knowledge base nor the rules know; its spans are merged with the
silver ones (knowledge-base matches first, then the model, then the rules) and take the knowledge
base's id when it knows the surface. Loading is local only (``local_files_only``): the Hub is never
asked. transformers and torch come with the ``ner-model`` extra; the default build needs neither.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dataset_builder.documents import Span
from dataset_builder.errors import InputError

_TRIM = " \t\n\"'“”‘’«»()[]{},.;:،؛!?"


@dataclass(frozen=True)
class ModelTagger:
    """A loaded token-classification pipeline (spans grouped by entity, with character offsets)."""

    directory: Path
    pipe: Any
    max_tokens: int
    """Tokens the model takes at once, less its special tokens: longer lines are cut into windows."""

    def _windows(self, line: str) -> list[tuple[int, int]]:
        """(start, end) pieces of ``line``, whole words, each within ``max_tokens``."""
        windows, start, used, end = [], None, 0, 0
        for word in re.finditer(r"\S+", line):
            n = len(self.pipe.tokenizer.tokenize(word.group()))
            if start is not None and used + n > self.max_tokens:
                windows.append((start, end))
                start, used = None, 0
            if start is None:
                start = word.start()
            used, end = used + n, word.end()
        if start is not None:
            windows.append((start, end))
        return windows

    def raw_spans(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, model label) per entity the model finds, line by line and window by window."""
        found = []
        at = 0
        for line in text.split("\n"):
            for start, end in self._windows(line):
                for hit in self.pipe(line[start:end]):
                    base = at + start
                    found.append((base + int(hit["start"]), base + int(hit["end"]), str(hit["entity_group"])))
            at += len(line) + 1
        return found


def load_tagger(model_dir: Path) -> ModelTagger:
    """The model in ``model_dir`` (``save_pretrained`` layout). Each call loads it: the caller loads it
    once and passes it on (the silver context, once per worker; a command, once per run), rather than
    a module cache keyed by the path."""
    model_dir = Path(model_dir)
    if not (model_dir / "config.json").is_file():
        raise InputError(f"{model_dir}: not a Hugging Face model folder (no config.json)")
    try:
        from transformers import AutoModelForTokenClassification, AutoTokenizer, pipeline
    except ImportError as exc:
        raise InputError(
            f"{model_dir}: a model pre-annotator needs transformers and torch: "
            "pip install 'dataset_builder[ner-model]'"
        ) from exc
    try:
        tokenizer = AutoTokenizer.from_pretrained(model_dir, local_files_only=True)
        model = AutoModelForTokenClassification.from_pretrained(model_dir, local_files_only=True)
    except (OSError, ValueError) as exc:
        raise InputError(f"{model_dir}: cannot load the token-classification model ({exc})") from exc
    model.eval()
    limits = [
        getattr(model.config, "max_position_embeddings", None),
        getattr(tokenizer, "model_max_length", None),
    ]
    # tokenizers without a limit report a huge model_max_length
    max_tokens = min((n for n in limits if isinstance(n, int) and 0 < n < 1_000_000), default=512)
    return ModelTagger(
        model_dir,
        pipeline("token-classification", model=model, tokenizer=tokenizer, aggregation_strategy="simple"),
        max_tokens - tokenizer.num_special_tokens_to_add(),
    )


def model_spans(text: str, tagger: ModelTagger, labels: dict[str, str]) -> list[Span]:
    """The model's entities as spans with the schema's labels (``labels`` maps the model's own,
    e.g. PERS → PER, GPE → LOC); quotes and punctuation at the edges are left out."""
    spans = []
    for start, end, raw in tagger.raw_spans(text):
        label = labels.get(raw.removeprefix("B-").removeprefix("I-"))
        while start < end and text[start] in _TRIM:
            start += 1
        while end > start and text[end - 1] in _TRIM:
            end -= 1
        if label is not None and start < end:
            spans.append(Span(start, end, text[start:end], label, None))
    return spans
