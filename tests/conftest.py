"""Shared test set-up: Prefect quiet and isolated, paths to the bundled seed articles."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED_ARTICLES = ROOT / "seeds" / "articles"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def prefect_home(tmp_path_factory):
    """An isolated PREFECT_HOME for the whole session (one ephemeral-server database)."""
    home = tmp_path_factory.mktemp("prefect-home")
    return home


@pytest.fixture(scope="session")
def cli_env(prefect_home):
    """Environment for running the `newslake` console script in a subprocess."""
    env = dict(os.environ)
    env.update({
        "PREFECT_HOME": str(prefect_home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
    })
    env.pop("PREFECT_API_URL", None)
    return env


def run_cli(args, env, cwd=None, timeout=600):
    """Run `newslake ARGS` with the venv's console script; returns the CompletedProcess."""
    exe = Path(sys.executable).with_name("newslake")
    return subprocess.run([str(exe), *map(str, args)], env=env, cwd=cwd, capture_output=True,
                          text=True, timeout=timeout)
