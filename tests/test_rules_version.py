"""Rules versioning: a change of seeds/ (or extraction code) re-extracts the stored documents from the lake;
reverting it restores identical tables. Runs a copy of the project so the repository's seeds stay as they are."""
import shutil
from pathlib import Path

import duckdb
import pytest

from conftest import ROOT, SEED_ARTICLES, run_cli, snapshot

EDITED_ROW = "meet|meets|met|meeting|meetings|meet with|meets with|met with|meeting with,CONSULT,040,1.0,1,en"


def rules_versions(lake):
    con = duckdb.connect(str(lake / "newslake.duckdb"), read_only=True)
    try:
        return {r[0] for r in con.execute("select distinct rules_version from staging.documents").fetchall()}
    finally:
        con.close()


@pytest.fixture(scope="module")
def project_copy(tmp_path_factory):
    copy = tmp_path_factory.mktemp("project")
    for sub in ("tasks", "flows", "sql", "seeds"):
        shutil.copytree(ROOT / sub, copy / sub, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def test_a_seed_edit_re_extracts_and_reverting_it_restores_the_tables(project_copy, tmp_path, cli_env):
    env = {"PYTHONPATH": str(project_copy)}
    lake = tmp_path / "lake"
    inputs = tmp_path / "inputs"
    shutil.copytree(SEED_ARTICLES, inputs)
    first = run_cli(["run", inputs, "--lake", lake], cli_env, extra_env=env)
    assert first.returncode == 0, first.stderr[-2000:]
    before, version = snapshot(lake), rules_versions(lake)
    assert len(version) == 1 and None not in version

    triggers = project_copy / "seeds" / "triggers.csv"
    original = triggers.read_text(encoding="utf-8")
    assert EDITED_ROW in original
    triggers.write_text(original.replace(EDITED_ROW, EDITED_ROW.replace("meet|meets|met|", "meet|meets|")),
                        encoding="utf-8")
    try:
        edited = run_cli(["run", inputs, "--lake", lake], cli_env, extra_env=env)
    finally:
        triggers.write_text(original, encoding="utf-8")
    assert edited.returncode == 0, edited.stderr[-2000:]
    assert "re-extracted 5 documents: rules changed" in edited.stdout
    assert rules_versions(lake) not in (version, set()) and len(rules_versions(lake)) == 1
    assert snapshot(lake)["event_records"] != before["event_records"]  # 'met' no longer triggers a meeting

    shutil.rmtree(inputs)  # re-extraction reads the lake, not the inputs
    inputs.mkdir()
    reverted = run_cli(["run", inputs, "--lake", lake], cli_env, extra_env=env)
    assert reverted.returncode == 0, reverted.stderr[-2000:]
    assert "re-extracted 5 documents: rules changed" in reverted.stdout
    assert rules_versions(lake) == version
    assert snapshot(lake) == before
