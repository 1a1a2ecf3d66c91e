"""``dataset-builder labelstudio serve``: a Label Studio server for someone who installed the wheel.

Label Studio pins its own versions of Django and many other packages, so it never shares the
dataset builder's environment: it gets a venv of its own (by default under the user's data folder,
``$XDG_DATA_HOME/dataset-builder/label-studio``), where ``label-studio==1.23.2`` is installed from
PyPI the first time. The server listens on 127.0.0.1 only and keeps all its state (database, uploads,
exports) in one folder, so a campaign is backed up or moved by copying that folder.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

from dataset_builder.errors import DatasetBuilderError
from dataset_builder.labelstudio.local_server import LABEL_STUDIO_VERSION

HOST = "127.0.0.1"
DEFAULT_PORT = 8080


def default_home() -> Path:
    """``$XDG_DATA_HOME/dataset-builder/label-studio`` (``~/.local/share/...`` when unset)."""
    data = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(data) / "dataset-builder" / "label-studio"


def executable(venv_dir: Path) -> Path:
    return Path(venv_dir) / "bin" / "label-studio"


def ensure_installed(venv_dir: Path) -> tuple[Path, bool]:
    """The venv's ``label-studio`` command, installing it first if missing; and whether it was installed."""
    command = executable(venv_dir)
    if command.exists():
        return command, False
    print(
        f"installing label-studio=={LABEL_STUDIO_VERSION} into {venv_dir} (once; a few minutes)",
        file=sys.stderr,
        flush=True,
    )
    try:
        venv.EnvBuilder(with_pip=True).create(venv_dir)
        subprocess.run(
            [
                str(Path(venv_dir) / "bin" / "python"),
                "-m",
                "pip",
                "install",
                f"label-studio=={LABEL_STUDIO_VERSION}",
            ],
            check=True,
        )
    except (OSError, subprocess.CalledProcessError) as exc:
        raise DatasetBuilderError(
            f"{venv_dir}: installing label-studio=={LABEL_STUDIO_VERSION} failed ({exc}); remove the folder "
            "and run `dataset-builder labelstudio serve` again"
        ) from None
    if not command.exists():
        raise DatasetBuilderError(f"{venv_dir}: pip installed label-studio but {command} is missing")
    return command, True


def server_environment(data_dir: Path) -> dict[str, str]:
    """State in ``data_dir``, no calls home, legacy API keys on (the key the builder's commands take)."""
    return {
        **os.environ,
        "LABEL_STUDIO_BASE_DATA_DIR": str(data_dir),
        "LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN": "true",
        "LATEST_VERSION_CHECK": "false",
        "COLLECT_ANALYTICS": "false",
    }


def instructions(url: str, data_dir: Path) -> str:
    """What to do once the server answers: sign up, get the key, push."""
    return "\n".join(
        [
            f"Label Studio {LABEL_STUDIO_VERSION} at {url} (state in {data_dir}; stop it with Ctrl-C)",
            f"1. open {url} and sign up: the first account is the campaign lead's",
            "2. API key: avatar (top right) > Account & Settings > Personal Access Token (or Legacy Token),",
            "   then in the dataset project: export LABEL_STUDIO_API_KEY=<the token>",
            f"3. dataset-builder labelstudio push --url {url}   (recorded in dataset.toml for later commands)",
            "4. annotators: Organization > Add People gives the invite link they sign up with",
        ]
    )


def serve(venv_dir: Path | None = None, data_dir: Path | None = None, port: int = DEFAULT_PORT) -> int:
    """Install if needed, print the URL and how to get the key, run the server until it stops."""
    home = default_home()
    venv_dir = Path(venv_dir or home / "venv").absolute()
    data_dir = Path(data_dir or home / "data").absolute()
    command, _ = ensure_installed(venv_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    url = f"http://{HOST}:{port}"
    print(instructions(url, data_dir), flush=True)
    argv = [
        str(command),
        "start",
        "--internal-host",
        HOST,
        "--port",
        str(port),
        "--host",
        url,
        "--no-browser",
    ]
    try:
        return subprocess.run(argv, env=server_environment(data_dir), stdin=subprocess.DEVNULL).returncode
    except KeyboardInterrupt:  # Ctrl-C reaches the server too (same process group): it stops by itself
        return 0
