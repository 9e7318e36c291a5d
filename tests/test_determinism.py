"""Same inputs, same rows: worker count, runner, chunk and batch sizes and input order change nothing
(a small version of bench/determinism.py), and templates are learned per source over the whole run."""
import shutil
import sys
from pathlib import Path

import duckdb
import pytest

from conftest import FIXTURES, SEED_ARTICLES, run_cli

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
import determinism  # noqa: E402

NAV = ["Home | World | Business | Sport", "Example Gazette, independent news from the valley since 1887",
       "Share this article", "Most read stories this week", "© Example Gazette 2024"]
STORIES = [
    "The foreign minister met his counterpart in Paris on Tuesday for talks on trade, officials said.",
    "Police arrested three men after a protest outside parliament turned violent on Monday evening.",
    "The two governments agreed to resume negotiations on the border dispute next month in Geneva.",
    "Rescue teams searched the flooded villages on Sunday as the river rose for a third day running.",
    "The central bank left interest rates unchanged, saying inflation was slowing faster than expected.",
    "Thousands of teachers marched through the capital demanding higher pay and smaller classes.",
    "The company said it would cut 2,000 jobs as demand for its cars fell across Europe this year.",
]


def make_inputs(root: Path) -> Path:
    """A template source (the same navigation lines on every page), the bundled seeds and fixture pages."""
    site = root / "gazette"
    site.mkdir(parents=True)
    for i, story in enumerate(STORIES):
        paras = [story, f"{story} It was the {i + 1}th report of its kind.",
                 f"Officials were expected to give more details later, according to report {i}.",
                 f"Critics said the decision {i} would be challenged in the courts before the end of the year.",
                 f"Local people told reporters that they had expected news like story {i} for some time."]
        lines = NAV[:3] + [f"Story number {i}: {story.split(',')[0]}", ""] + \
            [x for p in paras for x in (p, "")] + NAV[3:]
        (site / f"page{i}.txt").write_text("\n".join(lines), encoding="utf-8")
    shutil.copytree(SEED_ARTICLES, root / "seeds")
    for sub in ("clean", "extract"):
        shutil.copytree(FIXTURES / sub, root / sub)
    return root


@pytest.fixture(scope="module")
def lakes(tmp_path_factory, cli_env):
    work = tmp_path_factory.mktemp("determinism")
    inputs = make_inputs(work / "inputs")
    rev = determinism.reversed_copy(inputs, work / "reversed")
    runs = {
        "reference": (inputs, []),
        "small chunks and batches, 2 workers": (inputs, ["--workers", "2"], {"NEWSLAKE_CHUNK_SIZE": "1",
                                                                            "NEWSLAKE_BATCH_FILES": "3"}),
        "threads, chunks of 7, reversed order": (rev, ["--runner", "thread", "--workers", "2"],
                                                 {"NEWSLAKE_CHUNK_SIZE": "7"}),
    }
    out = {}
    for name, (src, flags, *env) in runs.items():
        lake = work / name.replace(" ", "_").replace(",", "")
        done = run_cli(["run", src, "--lake", lake, *flags], cli_env, extra_env=env[0] if env else None)
        assert done.returncode == 0, done.stderr[-2000:]
        assert "Traceback" not in done.stdout + done.stderr
        out[name] = lake
    return out


def test_rows_do_not_depend_on_workers_runner_chunks_batches_or_order(lakes):
    ref = lakes["reference"]
    for name, lake in lakes.items():
        assert determinism.differences(ref, lake) == {t: (0, 0) for t in determinism.TABLES}, name


def test_template_lines_are_learned_over_the_whole_run_and_recorded(lakes):
    for lake in lakes.values():
        con = duckdb.connect(str(lake / "newslake.duckdb"), read_only=True)
        try:
            kinds = con.execute("select l.text, l.reason from staging.lines as l join staging.documents as d "
                                "using (doc_id) where d.source_uri like '%gazette%' and l.text = ?",
                                [NAV[1]]).fetchall()
            used = con.execute("select count(distinct t.template_id), count(*) from staging.document_templates t "
                               "join staging.documents d using (doc_id) where d.source_uri like '%gazette%'"
                               ).fetchall()[0]
        finally:
            con.close()
        assert len(kinds) == len(STORIES) and all(r.startswith("boilerplate: recurs in source") for _, r in kinds)
        assert used == (1, len(STORIES))  # one template state, recorded for every page of the source
