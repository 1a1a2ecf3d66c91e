"""Label Studio campaigns: labeling config, task export, export import and the live client.

The offline half (``config``, ``tasks``, ``parse``, ``merge``, ``importer``) never talks to a server,
so a campaign can be run by hand through the Label Studio UI (import ``tasks.json``, export JSON,
then ``dataset-builder labelstudio import``); ``client`` automates the same round trip over the API.
Agreement between annotators (:mod:`dataset_builder.agreement`) is measured on the stored
annotations, wherever they came from.
"""
