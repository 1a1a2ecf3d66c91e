"""Release artefacts of a built folder, one module per concern.

:mod:`.card` (what a release says about itself, and the dataset card), :mod:`.croissant` (Croissant
metadata), :mod:`.manifest` (every file's sha256, and the records of published versions),
:mod:`.diff` (what changed between two built folders, and the semver bump it needs) and
:mod:`.publish` (the Hub). Everything is generated from :mod:`dataset_builder.schema`, the project's
``dataset.toml`` (:class:`~dataset_builder.project.Settings`) and the built parquet files, so the
card, the Croissant metadata and the manifest can never disagree with the data.

Nothing here builds: diffing git revisions, which builds them, is :mod:`dataset_builder.revisions`.
"""
