"""Label Studio campaigns: labeling config, task export, export import, agreement and the live client.

The offline half (``config``, ``tasks``, ``importer``, ``agreement``) never talks to a server, so a
campaign can be run by hand through the Label Studio UI (import ``tasks.json``, export JSON, then
``dataset-builder labelstudio import``); ``client`` automates the same round trip over the API.
"""
