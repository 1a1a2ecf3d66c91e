"""Test harnesses that are not part of the library: a real Label Studio server, the CLI in a subprocess.

Imported as ``tests.support.*`` (pytest puts the repository root on ``sys.path``, see ``pythonpath``
in ``pyproject.toml``). Scripts never import them
(``tests/test_architecture.py`` checks).
"""
