"""Test harnesses that are not part of the library: a real Label Studio server, the CLI in a subprocess.

Imported as ``tests.support.*`` (pytest puts the repository root on ``sys.path``, see ``pythonpath``
in ``pyproject.toml``); ``scripts/annotate_seeds.py`` imports the Label Studio harness the same way.
"""
