"""The Prefect UI tells the story of a deployment run: headless Chromium renders its pages offline."""
import html
import os
import re
import shutil
import signal
import subprocess

import pytest

pytest_plugins = ("prefect_server",)

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
         "--window-size=1400,1000", "--virtual-time-budget=15000")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not os.access(CHROMIUM, os.X_OK),
                       reason="chromium not installed (Debian: apt-get install chromium; .ci/run does it)"),
]


def render(url: str, tmp_path, name: str, expect: str, attempts: int = 3) -> str:
    """The page's visible text once it shows `expect` (the SPA may need a retry); saves NAME.png."""
    text = ""
    for attempt in range(attempts):
        shot, profile = tmp_path / f"{name}.png", tmp_path / f"chromium-{name}-{attempt}"
        args = [CHROMIUM, *FLAGS, f"--user-data-dir={profile}",
                f"--screenshot={shot}", "--dump-dom", url]
        proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                                start_new_session=True)
        try:
            dom, _ = proc.communicate(timeout=120)
        finally:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            shutil.rmtree(profile, ignore_errors=True)
        text = visible_text(dom)
        if expect in text:
            break
    print(f"screenshot: {shot}")
    return text


def visible_text(dom: str) -> str:
    dom = re.sub(r"<(script|style)\b.*?</\1>", " ", dom or "", flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", dom)))


def test_artifact_page_shows_the_run_summary(prefect_stack, deployment_runs, tmp_path):
    run, n = deployment_runs[0], prefect_stack.n_seeds
    summary = prefect_stack.artifacts(run["id"])["newslake-run-summary"]
    text = render(f"{prefect_stack.ui}/artifacts/artifact/{summary['id']}", tmp_path, "run-summary",
                  "newslake run summary")
    assert "newslake run summary" in text, text[:3000]
    assert f"files seen {n}" in text
    assert f"loaded {n} duplicate 0 unchanged 0" in text
    assert f"documents {n} in lake ({n} processed this run)" in text
    assert run["name"] in text  # the artifact page links back to its flow run
    assert (tmp_path / "run-summary.png").stat().st_size > 20_000


def test_flow_run_page_shows_deployment_and_logs_with_counts(prefect_stack, deployment_runs, tmp_path):
    run, n = deployment_runs[0], prefect_stack.n_seeds
    text = render(f"{prefect_stack.ui}/runs/flow-run/{run['id']}", tmp_path, "flow-run", "process batch 1")
    for label in (run["name"], "Completed", "hourly", "newslake-process", "Artifacts", "ingest batch 1",
                  "process batch 1", "land batch 1", f"batch 1: {n} inputs", "models built"):
        assert label in text, (label, text[:3000])
    assert (tmp_path / "flow-run.png").stat().st_size > 20_000
