"""A failed run is one clear line on stderr (what failed, where the log is), exit 1, no traceback on the terminal."""
import re
from pathlib import Path

from conftest import SEED_ARTICLES, run_cli


def test_a_failed_run_prints_one_line_naming_the_log_which_keeps_the_traceback(tmp_path, cli_env):
    lake = tmp_path / "lake"
    lake.mkdir()
    (lake / "parquet").write_text("not a directory")  # the run cannot land anything
    done = run_cli(["run", SEED_ARTICLES, "--lake", lake], cli_env)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("newslake: run failed: "), done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    log = Path(re.search(r"\(full log: (.+)\)$", lines[0])[1])
    assert log.parent == lake / ".logs" and "Traceback" in log.read_text()


def test_a_normal_run_writes_nothing_to_stderr(tmp_path, cli_env):
    done = run_cli(["run", SEED_ARTICLES, "--lake", tmp_path / "lake"], cli_env)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    assert "documents       5 in lake" in done.stdout
