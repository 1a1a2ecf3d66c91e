"""Rules of the code's shape that review cannot keep by eye: every dataset field is spelled once, in the
field table of :mod:`dataset_builder.schema`; no import cycle, between modules or between the package's
layers (its subpackages and top-level modules); no lazy import but the listed ones."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from conftest import REPO

import dataset_builder
from dataset_builder import schema
from tests.support.module_graph import cycles, graph

PACKAGE = Path(dataset_builder.__file__).parent

# --- the field table -----------------------------------------------------------------------------

KEY_METHODS = frozenset(
    {
        "get",
        "pop",
        "setdefault",
        "column",
        "field",
        "get_field_index",
        "set_column",
        "append_column",
        "remove_column",
        "select",
        "drop_columns",
        "rename_columns",
    }
)
"""Calls whose first argument names a column (of a dict row, a pyarrow table or schema, a compute field)."""

OTHERS_FILES: dict[str, str] = {}
"""Whole files left for their owners' merge: the list can only shrink."""

ALLOWED: dict[tuple[str, str], str] = {
    ("annotations.py", "*"): "keys of the gold annotation files (annotations/documents/*.json), a file "
    "format of its own that happens to share names with the columns",
    ("annotators/dates.py", "_find"): "a named group of the date pattern (id: day of an ISO date)",
    ("labelstudio/parse.py", "*"): "Label Studio export JSON (task data, region values, ids)",
    ("labelstudio/merge.py", "old_text"): "Label Studio task data of a kept export (document id and text)",
    ("labelstudio/tasks.py", "*"): "Label Studio task JSON (task data and region values)",
    ("agreement.py", "*"): "Label Studio result kinds and the agreement report's keys",
    ("labelstudio/client.py", "*"): "Label Studio task data keys",
    ("labelstudio/review.py", "*"): "Label Studio task data keys and ids of the review project",
    ("labelstudio/campaign.py", "_person"): "a Label Studio user's id and e-mail in an export",
    ("silver_eval.py", "*"): "keys of the gold annotation files (annotations/documents/*.json)",
    ("release/diff.py", "Change.to_dict"): "keys of `diff --json`, a documented format of its own",
    ("release/diff.py", "VersionDiff.to_dict.docs"): "keys of `diff --json`, a documented format of its own",
    ("release/diff.py", "VersionDiff.to_dict"): "keys of `diff --json`, a documented format of its own",
    ("release/diff.py", "show_value"): "members of a span or a cut (start, end, text, label), not columns",
    ("release/card.py", "ReleaseInfo.citation"): "BibTeX fields of the citation",
    ("release/stats.py", "CardStats.to_dict"): "keys of the card's statistics (counts per entity label "
    "and per topic), which the card template and the Croissant metadata read",
    ("report/render.py", "overview_charts"): "chart descriptors for the report template (id, title, svg)",
    ("report/render.py", "_agreement_charts"): "chart descriptors for the report template (id, title, svg)",
    ("report/render.py", "_silver_charts"): "chart descriptors for the report template (id, title, svg)",
    ("cli.py", "_Parser.add_subparsers"): "argparse's title of the commands group",
}
"""(file, function or ``*``) → why string literals equal to field names are not column keys there."""


def _scopes(tree: ast.Module) -> Iterator[tuple[str, ast.AST]]:
    """Every node with the dotted name of the function or class it sits in (``<module>`` at the top)."""

    def walk(node: ast.AST, scope: str) -> Iterator[tuple[str, ast.AST]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                inner = child.name if scope == "<module>" else f"{scope}.{child.name}"
                yield from walk(child, inner)
            else:
                yield scope, child
                yield from walk(child, scope)

    yield from walk(tree, "<module>")


def _string(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def column_keys(tree: ast.Module, names: set[str]) -> Iterator[tuple[str, int, str]]:
    """(scope, line, name) of every field name spelled as a string and used as a column key: a subscript,
    a dict key, or the first argument of a column-naming call (:data:`KEY_METHODS`)."""
    for scope, node in _scopes(tree):
        keys: list[ast.AST | None] = []
        if isinstance(node, ast.Subscript):
            keys = [node.slice]
        elif isinstance(node, ast.Dict):
            keys = list(node.keys)
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if called in KEY_METHODS:
                first = node.args[0]
                keys = list(first.elts) if isinstance(first, ast.List | ast.Tuple) else [first]
        for key in keys:
            if (value := _string(key)) in names:
                yield scope, key.lineno, value  # type: ignore[union-attr]


def _literals() -> dict[str, list[tuple[str, int, str]]]:
    """Every field name used as a column key, by file (relative to the package), the field table excepted."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        if rel != "schema.py":
            found[rel] = list(column_keys(ast.parse(path.read_text(encoding="utf-8")), set(schema.FIELDS)))
    return found


def test_every_field_name_is_spelled_once_in_the_field_table() -> None:
    found = [
        f"dataset_builder/{rel}:{line} ({scope}): {name!r} — use schema.{name.upper()}"
        for rel, hits in _literals().items()
        if rel not in OTHERS_FILES and (rel, "*") not in ALLOWED
        for scope, line, name in hits
        if (rel, scope) not in ALLOWED
    ]
    assert not found, "field names spelled outside the field table:\n" + "\n".join(found)


def test_the_allow_lists_can_only_shrink() -> None:
    """An entry that no longer allows anything is stale (it would let a literal back in unseen): remove it."""
    literals = _literals()
    stale = [rel for rel in OTHERS_FILES if not literals.get(rel)]
    stale += [
        f"{rel} {scope}"
        for rel, scope in ALLOWED
        if not any(scope in ("*", s) for s, _, _ in literals.get(rel, []))
    ]
    assert not stale, "allow-list entries that allow nothing: " + ", ".join(stale)


def test_the_scan_sees_column_keys() -> None:
    """The scan is not blind: a subscript, a dict key and a column call are each found, a plain string is not."""
    tree = ast.parse(
        'def f(row, t):\n    x = "text"\n    return row["text"], {"id": 1}, t.column("language")\n'
    )
    assert [(s, n) for s, _, n in column_keys(tree, set(schema.FIELDS))] == [
        ("f", "text"),
        ("f", "id"),
        ("f", "language"),
    ]


def test_every_constant_of_the_table_names_its_field() -> None:
    """``schema.TEXT == "text"`` and so on: the constants code uses are the table's names."""
    for name in schema.FIELDS:
        assert getattr(schema, name.upper()) == name
    for config, fields in schema.CONFIG_FIELDS.items():
        assert list(schema.features(config, ["t"])) == list(fields)


STATUS_WORDS: dict[tuple[str, str], str] = {
    ("labelstudio/campaign.py", "CampaignStatus.to_json"): "keys of `status --json`, a documented format",
    ("pipeline.py", "<module>"): "the gold step's name in the build's stats",
    ("pipeline.py", "ApplyGold.run"): "a counter of the gold step",
    ("report/render.py", "_silver_charts"): "the id of the report's silver chart",
    ("silver_eval.py", "Evaluation._span_rows"): "a column heading of the evaluation's table",
    ("silver_eval.py", "MessEvaluation.report"): "a column heading of the evaluation's table",
    ("silver_eval.py", "silver_against_gold"): "keys of the silver-against-gold JSON",
}
"""(file, function) → why the words of :data:`schema.STATUSES` are spelled there not as a document's status."""


def _status_words() -> list[tuple[str, str, int]]:
    """(file, scope, line) of every string equal to an annotation status, outside the field table."""
    return [
        (rel, scope, node.lineno)
        for path in sorted(PACKAGE.rglob("*.py"))
        if (rel := path.relative_to(PACKAGE).as_posix()) != "schema.py"
        for scope, node in _scopes(ast.parse(path.read_text(encoding="utf-8")))
        if _string(node) in schema.STATUSES
    ]


def test_annotation_statuses_are_spelled_once_in_the_field_table() -> None:
    """``schema.GOLD``, ``SILVER``, ``DISPUTED``: a status compared or set as a string literal is a
    typo waiting to happen (``"Gold"`` matches nothing, silently)."""
    found = _status_words()
    assert not [f"{rel}:{line} ({scope})" for rel, scope, line in found if (rel, scope) not in STATUS_WORDS]
    stale = STATUS_WORDS.keys() - {(rel, scope) for rel, scope, _ in found}
    assert not stale, "allow-list entries that allow nothing"
    assert [(s, n) for s, n in _scopes(ast.parse('x = 1 if s == "gold" else 2')) if _string(n)]


# --- imports -------------------------------------------------------------------------------------

CLI = "dataset_builder.cli"

LAZY_IMPORTS: dict[tuple[str, str], str] = {}
"""(module, what it imports inside a function) → why. Every lazy import of a package module but the
CLI's is here, so that this list can only shrink (a lazy import hides a layering problem, or a start-up
cost)."""


def _edges(lazy: bool = True) -> dict[str, frozenset[str]]:
    """Who imports whom, without a module's edges to its own packages (always imported before it)."""
    return {
        name: frozenset(m for m in (imports.all if lazy else imports.top) if not name.startswith(m + "."))
        for name, imports in graph().items()
    }


def layer(module: str) -> str:
    """``dataset_builder.annotators.dates`` → ``dataset_builder.annotators``; a top-level module is its own."""
    return ".".join(module.split(".")[:2])


def test_no_module_imports_another_that_imports_it_back() -> None:
    edges = _edges()
    assert "dataset_builder.knowledge.seeds" in edges["dataset_builder.seeds"]  # the graph sees imports
    assert cycles(edges) == []


def test_no_layer_imports_another_that_imports_it_back() -> None:
    """annotators → knowledge → seeds → annotators was such a loop: a subpackage is one layer, and layers
    depend one way only, counting lazy imports."""
    layers: dict[str, set[str]] = {}
    for name, targets in _edges().items():
        layers.setdefault(layer(name), set()).update(layer(t) for t in targets if layer(t) != layer(name))
    assert "dataset_builder.knowledge" in layers["dataset_builder.annotators"]
    assert cycles({name: frozenset(targets) for name, targets in layers.items()}) == []


def test_knowledge_imports_no_stage_that_reads_it() -> None:
    """The knowledge is compiled before any stage runs and passed to them: it never imports the
    annotators, the seed reader or the pipeline (the loop annotators → knowledge → seeds → annotators)."""
    readers = ("dataset_builder.annotators", "dataset_builder.seeds", "dataset_builder.pipeline")
    imported = {
        target
        for name, targets in _edges().items()
        if layer(name) == "dataset_builder.knowledge"
        for target in targets
    }
    assert "dataset_builder.knowledge.schema" in imported  # the graph sees the package's modules
    assert [t for t in imported if t.startswith(readers)] == []


def test_the_report_and_the_release_never_run_the_annotators() -> None:
    """They show documents computed once by the build or the CLI and handed to them: no module of theirs
    reaches, even through another module, the pipeline, the annotators or the silver evaluation that runs
    them (the report once re-annotated gold documents itself, a second time in every build)."""
    runners = ("dataset_builder.pipeline", "dataset_builder.annotators", "dataset_builder.silver_eval")
    edges = _edges()
    reached: set[str] = set()
    todo = [n for n in edges if layer(n) in ("dataset_builder.report", "dataset_builder.release")]
    assert "dataset_builder.report.collect" in todo and "dataset_builder.release.card" in todo
    while todo:
        for target in edges.get(todo.pop(), frozenset()) - reached:
            reached.add(target)
            todo.append(target)
    assert "dataset_builder.documents" in reached  # the walk follows imports
    assert sorted(t for t in reached if t.startswith(runners)) == []


def test_scoring_is_apart_from_the_builds_re_annotation() -> None:
    """``silver_eval`` scores (held-out gold for ``scripts/evaluate_silver.py``, a build's gold for the card);
    re-annotating a build's gold is the pipeline's (``pipeline.silver_of_gold``): in the package, only the
    build imports the scorer, for the card's table."""
    importers = {name for name, targets in _edges().items() if "dataset_builder.silver_eval" in targets}
    assert importers == {"dataset_builder.build"}


def test_lazy_imports_are_the_listed_ones_only() -> None:
    """A function-level import of a package module is a layering violation unless listed with its reason;
    the CLI is the top layer (nothing imports it) and imports each command's modules when it runs."""
    lazy = {(name, m) for name, imports in graph().items() if name != CLI for m in imports.lazy}
    assert lazy - LAZY_IMPORTS.keys() == set(), (
        "unlisted lazy imports (import at the top, or list with a reason)"
    )
    assert LAZY_IMPORTS.keys() - lazy == set(), "listed lazy imports that are gone: remove them from the list"
    assert not any(CLI in imports.all for imports in graph().values())


# --- rules written once --------------------------------------------------------------------------


def _defined(tree: ast.Module) -> set[str]:
    """Names a module defines itself (functions, classes, assignments at its top)."""
    names = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


def test_names_are_imported_from_the_module_that_defines_them() -> None:
    """No re-exports (``write_atomic`` through ``annotations``): one place to look a name up."""
    paths = {
        p.relative_to(PACKAGE.parent).with_suffix("").as_posix().replace("/", "."): p
        for p in PACKAGE.rglob("*.py")
    }
    paths = {name.removesuffix(".__init__"): p for name, p in paths.items()}
    defined = {name: _defined(ast.parse(p.read_text(encoding="utf-8"))) for name, p in paths.items()}
    found = []
    for name, path in sorted(paths.items()):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and not node.level and node.module in paths:
                for alias in node.names:
                    submodule = f"{node.module}.{alias.name}" in paths
                    if not submodule and alias.name not in defined[node.module]:
                        found.append(
                            f"{name} imports {alias.name} from {node.module}, which does not define it"
                        )
    assert found == []


RATIOS = [
    (0.8, 0.1, 0.1),
    (1.0, 0.0, 0.0),
    (0.5, 0.5, 0.5),
    (0.7, 0.2, 0.1),
    (1.1, -0.1, 0.0),
    (float("nan"), 0.5, 0.5),
]


def test_split_ratios_are_checked_by_one_rule_everywhere() -> None:
    """``dataset.toml``, ``--split-ratios`` and the split ledger accept exactly the same ratios."""
    import argparse

    from dataset_builder import cli, project, splits

    for ratios in RATIOS:
        expected = schema.split_ratios_ok(ratios)
        try:
            project.Splits(train=ratios[0], validation=ratios[1], test=ratios[2])
            in_toml = True
        except ValueError:
            in_toml = False
        try:
            cli._ratios(",".join(map(str, ratios)))
            on_command_line = True
        except argparse.ArgumentTypeError:
            on_command_line = False
        try:
            splits.check_ratios(ratios)
            in_ledger = True
        except ValueError:
            in_ledger = False
        assert in_toml == on_command_line == in_ledger == expected, ratios
    assert schema.split_ratios_ok(schema.DEFAULT_SPLIT_RATIOS)


def test_the_cache_and_label_studio_name_the_silver_annotators_with_one_fingerprint(tmp_path: Path) -> None:
    """``model_version`` is the cache's fingerprint: a learned alias (which changes silver spans) or a
    curated group (which does not) moves both or neither."""
    import shutil

    from dataset_builder import fingerprint
    from dataset_builder.cache import SilverCache
    from dataset_builder.knowledge import Knowledge
    from dataset_builder.knowledge.schema import GROUPS, KNOWLEDGE_FILES, LEARNED_ALIASES
    from dataset_builder.labelstudio.tasks import model_version

    folder = tmp_path / "annotations"
    folder.mkdir()
    for name in KNOWLEDGE_FILES:
        shutil.copy(REPO / "annotations" / name, folder / name)

    def both() -> tuple[str, str]:
        knowledge = Knowledge.load(folder)
        with SilverCache.open(tmp_path / "cache", knowledge) as cache:
            key = cache.fingerprint
        assert model_version(knowledge).endswith("+" + fingerprint.silver(knowledge.silver_fingerprint)[:12])
        return model_version(knowledge), key

    first = both()
    shutil.copy(REPO / "annotations" / GROUPS, folder / GROUPS)
    assert both() == first
    shutil.copy(REPO / "annotations" / LEARNED_ALIASES, folder / LEARNED_ALIASES)
    second = both()
    assert second[0] != first[0] and second[1] != first[1]


def test_no_script_and_no_library_module_imports_test_code() -> None:
    """Scripts and the package run without the test tree (a harness they need belongs to the package)."""
    found = []
    for path in sorted([*(REPO / "scripts").glob("*.py"), *PACKAGE.rglob("*.py")]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and not node.level:
                names = [node.module or ""]
            found += [
                f"{path.relative_to(REPO)}: {n}" for n in names if n.split(".")[0] in ("tests", "conftest")
            ]
    assert found == []


def test_no_module_cache_is_keyed_by_an_argument() -> None:
    """Knowledge and models are loaded once and passed explicitly: ``functools.cache``/``lru_cache``
    builds constants (of no argument, or keyed by a type), never keyed by a path or a text."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            decorators = [d.func if isinstance(d, ast.Call) else d for d in node.decorator_list]
            names = {d.attr if isinstance(d, ast.Attribute) else getattr(d, "id", None) for d in decorators}
            arguments = node.args.posonlyargs + node.args.args + node.args.kwonlyargs
            arguments += [a for a in (node.args.vararg, node.args.kwarg) if a is not None]
            keys = [ast.unparse(a.annotation) if a.annotation else "?" for a in arguments]
            if names & {"cache", "lru_cache"} and any(k != "type" for k in keys):
                found.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {node.name}")
    assert found == []
