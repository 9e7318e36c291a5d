"""newslake throughput benchmark (issues 7, 15): newslake vs the text peer and the event peer, same docs, same cores.

    python bench/throughput.py --copies 10 [--workers 2] [--skip-peer] [--skip-event-peer] [--rerun] [--profile]

See bench/README.md for what is measured and the targets.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import make_corpus
import measure

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
OUT_DIR = BENCH_DIR / "out"
TARGETS = {"ratio_vs_peer": 1.5, "ratio_vs_event_peer": 3.0, "docs_per_s_x10": 450.0, "rerun_pct_of_first": 5.0,
           "peak_rss_mib_100k": 1430.5,  # 1.5 GB = 1.5e9 bytes
           "rss_growth_pct_22k_to_100k": 10.0}
VERSIONED = ("prefect", "duckdb", "pyarrow", "langdetect", "charset-normalizer", "trafilatura",
             "lxml", "psutil")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="newslake throughput benchmark vs the trafilatura+langdetect peer")
    p.add_argument("--copies", type=int, default=1, help="corpus = the source folder repeated N times (unique copies)")
    p.add_argument("--workers", type=int, default=2, help="newslake --workers and the peer's pool size")
    p.add_argument("--runner", default=None, choices=("thread", "process", "dask"), help="newslake --runner")
    p.add_argument("--source", default=make_corpus.DEFAULT_SOURCE, help="folder of articles to repeat")
    p.add_argument("--corpus", default=None, help="corpus dir (default bench/out/corpus-xN)")
    p.add_argument("--mark", choices=make_corpus.MARKS, default="title", help="how copies are made unique")
    p.add_argument("--lake", default=None, help="lake dir (default bench/out/lake-xN; emptied first)")
    p.add_argument("--rerun", action="store_true", help="run newslake a second time on the unchanged corpus")
    p.add_argument("--skip-peer", action="store_true", help="do not run the peer")
    p.add_argument("--skip-event-peer", action="store_true",
                   help="do not run the event peer (trafilatura + langdetect + spaCy, bench/event_peer.py)")
    p.add_argument("--event-peer-model", default=None, help="spaCy pipeline of the event peer (default models/en)")
    p.add_argument("--peer-fast", action="store_true", help="peer uses trafilatura.extract(fast=True)")
    p.add_argument("--profile", action="store_true",
                   help="after the timed runs, one more cold run under py-spy (bench/out/profile-*.txt)")
    p.add_argument("--newslake", default=None, help="newslake executable (default: next to this python)")
    return p.parse_args(argv)


def newslake_exe(given: str | None) -> str:
    """The newslake console script of this environment."""
    if given:
        return given
    beside = Path(sys.executable).with_name("newslake")
    return str(beside) if beside.exists() else (shutil.which("newslake") or "newslake")


def newslake_cmd(a: argparse.Namespace, corpus: str, lake: str) -> list[str]:
    cmd = [newslake_exe(a.newslake), "run", corpus, "--lake", lake, "--workers", str(a.workers), "--json"]
    return cmd + (["--runner", a.runner] if a.runner else [])


def run_summary(stdout: str) -> dict:
    """The run summary newslake printed with --json (the last top-level JSON object of stdout)."""
    start = stdout.rfind("\n{\n")
    start = 0 if stdout.startswith("{") and start < 0 else start
    if start < 0:
        return {}
    try:
        return json.loads(stdout[start:])
    except json.JSONDecodeError:
        return {}


def lake_documents(a: argparse.Namespace, lake: str) -> int | None:
    """count(*) of staging.documents through `newslake sql`, as the shared eval script does."""
    res = subprocess.run([newslake_exe(a.newslake), "sql", "select count(*) from staging.documents",
                          "--lake", lake, "--format", "csv"], capture_output=True, text=True)
    digits = "".join(ch for ch in (res.stdout.strip().splitlines() or [""])[-1] if ch.isdigit())
    return int(digits) if res.returncode == 0 and digits else None


def measure_newslake(a: argparse.Namespace, corpus: str, lake: str, label: str, stamp: str) -> dict:
    """One measured `newslake run`; returns measurement, run summary and docs in the lake."""
    log = OUT_DIR / f"log-{stamp}-{label}.txt"
    print(f"[{label}] {' '.join(newslake_cmd(a, corpus, lake))}", flush=True)
    m = measure.run_measured(newslake_cmd(a, corpus, lake), str(log))
    summary = run_summary(m.stdout)
    for key in ("touched_events", "conflicting_events"):
        summary.pop(key, None)
    docs = lake_documents(a, lake)
    if m.returncode != 0:
        print(f"[{label}] newslake exited {m.returncode}; stderr tail:\n{m.stderr_tail}", file=sys.stderr)
    return {"label": label, **m.as_dict(), "summary": summary, "lake_documents": docs, "log": str(log)}


def measure_peer(a: argparse.Namespace, corpus: str, stamp: str) -> dict:
    """One measured peer run over the same corpus with the same number of processes."""
    out = OUT_DIR / f"peer-{stamp}.jsonl"
    cmd = [sys.executable, str(BENCH_DIR / "peer.py"), corpus, "--processes", str(a.workers),
           "--out", str(out), "--json"] + (["--fast"] if a.peer_fast else [])
    print(f"[peer] {' '.join(cmd)}", flush=True)
    m = measure.run_measured(cmd, str(OUT_DIR / f"log-{stamp}-peer.txt"))
    try:
        res = json.loads(m.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        res = {}
    if m.returncode != 0:
        print(f"[peer] exited {m.returncode}; stderr tail:\n{m.stderr_tail}", file=sys.stderr)
    return {"label": "peer", **m.as_dict(), "result": res, "output": str(out)}


def measure_event_peer(a: argparse.Namespace, corpus: str, stamp: str) -> dict:
    """One measured event-peer run (bench/event_peer.py) over the same corpus with the same number of processes."""
    out = OUT_DIR / f"event-peer-{stamp}.jsonl"
    cmd = [sys.executable, str(BENCH_DIR / "event_peer.py"), corpus, "--processes", str(a.workers),
           "--out", str(out), "--json"] + (["--model", a.event_peer_model] if a.event_peer_model else [])
    print(f"[event-peer] {' '.join(cmd)}", flush=True)
    m = measure.run_measured(cmd, str(OUT_DIR / f"log-{stamp}-event-peer.txt"))
    try:
        res = json.loads(m.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        res = {}
    if m.returncode != 0:
        print(f"[event-peer] exited {m.returncode}; stderr tail:\n{m.stderr_tail}", file=sys.stderr)
    return {"label": "event-peer", **m.as_dict(), "result": res, "output": str(out)}


def peer_derived(run: dict) -> dict:
    """docs/s, files/s and CPU per file of a peer run from what it reported."""
    pr = run.get("result") or {}
    wall = max(run["wall_seconds"], 1e-9)
    return {"documents": pr.get("documents", 0), "files": pr.get("files", 0),
            "docs_per_s": round(pr.get("documents", 0) / wall, 1), "files_per_s": round(pr.get("files", 0) / wall, 1),
            "cpu_ms_per_file": round(1000 * run["cpu_seconds"] / pr["files"], 2) if pr.get("files") else None}


def profile_newslake(a: argparse.Namespace, corpus: str, stamp: str) -> dict:
    """A cold run under py-spy (all processes); a raw collapsed-stack file plus its top frames."""
    spy = Path(sys.executable).with_name("py-spy")
    if not spy.exists():
        return {"error": "py-spy not installed in this environment (pip install py-spy)"}
    lake = str(OUT_DIR / f"lake-profile-{stamp}")
    shutil.rmtree(lake, ignore_errors=True)
    raw = OUT_DIR / f"profile-{stamp}.txt"
    cmd = [str(spy), "record", "--subprocesses", "--rate", "50", "--format", "raw", "-o", str(raw),
           "--"] + newslake_cmd(a, corpus, lake)
    print(f"[profile] {' '.join(cmd)}", flush=True)
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=open(OUT_DIR / f"log-{stamp}-profile.txt", "wb"))
    shutil.rmtree(lake, ignore_errors=True)
    return {"raw": str(raw), **summarise_profile(raw)}


def summarise_profile(raw: Path, top: int = 25) -> dict:
    """Share of samples per process role, top self frames, and project frames by inclusive share."""
    per_role: dict[str, int] = {}
    self_n: dict[str, int] = {}
    total_n: dict[str, int] = {}
    phases: dict[str, int] = {}
    all_n = 0
    if not raw.exists():
        return {"error": f"no profile written at {raw}"}
    for line in raw.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        n = int(count)
        all_n += n
        frames = [_LINE_NO.sub(")", f) for f in _FRAME.findall(stack)]
        procs = [f for f in frames if f.startswith("process ")]
        funcs = [f for f in frames if not f.startswith("process ")]
        role = measure.role_of_command(procs[-1]) if len(procs) > 1 else "main"  # the outermost is the command
        per_role[role] = per_role.get(role, 0) + n
        if role == "main":
            phase = _main_phase(funcs)
            phases[phase] = phases.get(phase, 0) + n
        if funcs:
            key = f"{role}: {funcs[-1]}"
            self_n[key] = self_n.get(key, 0) + n
        for f in set(funcs):
            key = f"{role}: {f}"
            total_n[key] = total_n.get(key, 0) + n

    def ranked(d: dict[str, int]) -> list[tuple[str, float]]:
        return [(k, round(100.0 * v / max(all_n, 1), 1)) for k, v in sorted(d.items(), key=lambda kv: -kv[1])[:top]]

    own = {k: v for k, v in total_n.items() if _PROJECT_FRAME.search(k)}
    return {"samples": all_n, "per_process_pct": ranked(per_role), "main_phases_pct": ranked(phases),
            "self_pct": ranked(self_n), "project_total_pct": ranked(own)}


def _main_phase(funcs: list[str]) -> str:
    """Where the main process is: the flow's task or step, Prefect machinery, or start-up imports."""
    flow_at = next((i for i, f in enumerate(funcs) if f.startswith("newslake_flow ")), None)
    if flow_at is None:
        return "imports" if any("_find_and_load" in f for f in funcs) else "outside the flow (start-up, Prefect)"
    inner = next((f for f in funcs[flow_at + 1:] if _PROJECT_FRAME.search(f)), None)
    if inner:
        return "flow: " + inner
    if any("visit_collection" in f for f in funcs[flow_at + 1:]):
        return "flow: Prefect task-parameter introspection (visit_collection)"
    return "flow: Prefect task/flow machinery"


_FRAME = re.compile(r'process \d+:"[^"]*"|[^;]+')
_LINE_NO = re.compile(r":\d+\)$")
_PROJECT_FRAME = re.compile(r"\((tasks|flows)/")


def environment() -> dict:
    """What the numbers depend on: machine, load, versions, repo state."""
    versions = {}
    for name in VERSIONED:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    git = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True)
    return {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
            "loadavg_before": [round(x, 2) for x in os.getloadavg()], "versions": versions,
            "git": git.stdout.strip(), "git_dirty_files": len(dirty.stdout.splitlines())}


def derived(run: dict, workers: int) -> dict:
    """docs/s, files/s, CPU per document and the wall split the run summary allows."""
    wall = max(run["wall_seconds"], 1e-9)
    s = run.get("summary") or {}
    docs = run.get("lake_documents") or s.get("documents_in_lake") or 0
    files = s.get("files_seen") or 0
    stages = s.get("stage_seconds") or {}
    flow_wall = s.get("wall_seconds")
    out = {"documents": docs, "files": files, "docs_per_s": round(docs / wall, 1),
           "files_per_s": round(files / wall, 1),
           "cpu_ms_per_file": round(1000 * run["cpu_seconds"] / files, 2) if files else None,
           "stage_seconds": stages}
    if flow_wall is not None:
        out["flow_wall_seconds"] = flow_wall
        out["outside_flow_seconds"] = round(wall - flow_wall, 2)  # imports, Prefect server start/stop
        out["flow_other_seconds_est"] = round(flow_wall - sum(stages.values()) / max(workers, 1), 2)
    return out


def print_report(res: dict) -> None:
    a, env = res["args"], res["environment"]
    print()
    print(f"newslake throughput benchmark  corpus x{a['copies']} ({res['corpus']['files']} files)  "
          f"workers {a['workers']}  cpus {env['cpus']}  load before {env['loadavg_before']} "
          f"after {res['loadavg_after']}")
    rows = [("newslake cold", res["newslake"])]
    if res.get("rerun"):
        rows.append(("newslake re-run", res["rerun"]))
    if res.get("peer"):
        rows.append(("peer", res["peer"]))
    if res.get("event_peer"):
        rows.append(("event peer", res["event_peer"]))
    print(f"{'':16} {'docs':>7} {'wall s':>8} {'docs/s':>8} {'files/s':>8} {'CPU s':>8} "
          f"{'CPU ms/file':>11} {'tree PSS':>9} {'tree RSS':>9} {'max proc':>9}")
    for name, r in rows:
        d = r["derived"]
        print(f"{name:16} {d['documents']:>7} {r['wall_seconds']:>8.1f} {d['docs_per_s']:>8.1f} "
              f"{d['files_per_s']:>8.1f} {r['cpu_seconds']:>8.1f} {d['cpu_ms_per_file'] or 0:>11.2f} "
              f"{r.get('peak_tree_pss_mib', 0):>7.0f}Mi {r['peak_tree_rss_mib']:>7.0f}Mi "
              f"{r['max_rss_rusage_mib']:>7.0f}Mi")
    if any(r.get("peak_rss_by_role_mib") for _, r in rows):
        print("largest RSS per process role: " + "; ".join(
            f"{name}: " + ", ".join(f"{k} {v:.0f}Mi" for k, v in r.get("peak_rss_by_role_mib", {}).items())
            for name, r in rows))
    if any(r.get("cpu_by_role_seconds") for _, r in rows):
        print("CPU seconds per process role: " + "; ".join(
            f"{name}: " + ", ".join(f"{k} {v:.1f}" for k, v in r.get("cpu_by_role_seconds", {}).items())
            for name, r in rows))
    print(f"CPU-bound ceiling (docs / (CPU s / {env['cpus']} cpus), what an idle machine could give at most): "
          + "; ".join(f"{name} {r['derived']['documents'] / max(r['cpu_seconds'] / env['cpus'], 1e-9):.0f} docs/s"
                      for name, r in rows if name != "newslake re-run"))
    d = res["newslake"]["derived"]
    if d.get("stage_seconds"):
        total = sum(d["stage_seconds"].values())
        print(f"\nnewslake stage seconds (summed over {a['workers']} workers; ms per document):")
        for k, v in sorted(d["stage_seconds"].items(), key=lambda kv: -kv[1]):
            print(f"  {k:16} {v:8.1f}  {100 * v / max(total, 1e-9):5.1f} %  {1000 * v / max(d['documents'], 1):7.2f} ms")
        print(f"  outside the flow (imports, Prefect server start/stop): {d.get('outside_flow_seconds')} s wall")
        print(f"  flow wall not in the per-document stages (ingest, land, models, task overhead), est.: "
              f"{d.get('flow_other_seconds_est')} s")
    c = res["comparison"]
    if "rerun_pct_of_first" in c:
        print(f"\nre-run: {res['rerun']['wall_seconds']:.1f} s = {c['rerun_pct_of_first']:.1f} % of the first run "
              f"(target <= {TARGETS['rerun_pct_of_first']} %)")
    if "ratio_docs_per_s" in c:
        print(f"\nratio newslake/peer docs/s: {c['ratio_docs_per_s']:.2f}  (files/s: {c['ratio_files_per_s']:.2f}; "
              f"CPU per file peer/newslake: {c['ratio_cpu_per_file']:.2f})  target >= {TARGETS['ratio_vs_peer']}")
    if "event_ratio_docs_per_s" in c:
        e = res["event_peer"]["derived"]
        print(f"newslake {d['docs_per_s']:.1f} docs/s, event peer {e['docs_per_s']:.1f} docs/s: "
              f"ratio {c['event_ratio_docs_per_s']:.2f}  (files/s: {c['event_ratio_files_per_s']:.2f})  "
              f"target >= {TARGETS['ratio_vs_event_peer']}")
    print("\ntargets (issue 7):")
    for line in target_lines(res):
        print("  " + line)
    print(f"\nresults: {res['results_path']}")


def target_lines(res: dict) -> list[str]:
    """Each issue-7 target this run can speak to, with the measured value."""
    out, c, n = [], res["comparison"], res["newslake"]
    files = n["derived"]["files"]
    if "ratio_docs_per_s" in c:
        out.append(_verdict(c["ratio_docs_per_s"] >= TARGETS["ratio_vs_peer"],
                            f"newslake/peer docs/s {c['ratio_docs_per_s']:.2f} >= {TARGETS['ratio_vs_peer']}"))
    if "event_ratio_docs_per_s" in c:
        out.append(_verdict(c["event_ratio_docs_per_s"] >= TARGETS["ratio_vs_event_peer"],
                            f"newslake/event peer docs/s {c['event_ratio_docs_per_s']:.2f} >= "
                            f"{TARGETS['ratio_vs_event_peer']} (issue 15)"))
    scale = "" if res["args"]["copies"] == 10 else f" (target is for x10; this is x{res['args']['copies']})"
    out.append(_verdict(n["derived"]["docs_per_s"] >= TARGETS["docs_per_s_x10"],
                        f"docs/s {n['derived']['docs_per_s']:.1f} >= {TARGETS['docs_per_s_x10']:.0f}{scale}"))
    if "rerun_pct_of_first" in c:
        out.append(_verdict(c["rerun_pct_of_first"] <= TARGETS["rerun_pct_of_first"],
                            f"re-run {c['rerun_pct_of_first']:.1f} % of first <= {TARGETS['rerun_pct_of_first']:.0f} %"))
    limit = TARGETS["peak_rss_mib_100k"]
    scale = "" if files >= 100_000 else f" (target is at 100k docs; this run has {files} files)"
    out.append(_verdict(n["peak_tree_pss_mib"] <= limit,
                        f"peak memory, process tree PSS {n['peak_tree_pss_mib']:.0f} MiB <= {limit:.0f}{scale}"))
    out.append(_verdict(n["peak_tree_rss_mib"] <= limit,
                        f"peak RSS, process tree summed (shared pages once per process) "
                        f"{n['peak_tree_rss_mib']:.0f} MiB <= {limit:.0f}{scale}"))
    out.append(_verdict(n["max_rss_rusage_mib"] <= limit,
                        f"peak RSS, largest process (GNU time) {n['max_rss_rusage_mib']:.0f} MiB <= {limit:.0f}{scale}"))
    out.append(f"RSS growth 22k -> 100k docs <= +{TARGETS['rss_growth_pct_22k_to_100k']:.0f} %: "
               "compare results of --copies 10 and --copies 45")
    return out


def _verdict(ok: bool, text: str) -> str:
    return ("PASS  " if ok else "MISS  ") + text


def main(argv: list[str] | None = None) -> int:
    a = parse_args(argv)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ") + f"-x{a.copies}"
    env = environment()
    corpus = make_corpus.build(a.source, a.copies, a.corpus, a.mark)
    print(f"corpus: {corpus['files']} files in {corpus['dest']}", flush=True)
    lake = str(Path(a.lake).resolve()) if a.lake else str(OUT_DIR / f"lake-x{a.copies}")
    shutil.rmtree(lake, ignore_errors=True)
    res: dict = {"args": vars(a), "environment": env, "corpus": corpus, "lake": lake, "targets": TARGETS}
    res["newslake"] = measure_newslake(a, corpus["dest"], lake, "cold", stamp)
    res["newslake"]["derived"] = derived(res["newslake"], a.workers)
    if a.rerun:
        res["rerun"] = measure_newslake(a, corpus["dest"], lake, "rerun", stamp)
        res["rerun"]["derived"] = derived(res["rerun"], a.workers)
    if not a.skip_peer:
        res["peer"] = measure_peer(a, corpus["dest"], stamp)
        res["peer"]["derived"] = peer_derived(res["peer"])
    if not a.skip_event_peer:
        res["event_peer"] = measure_event_peer(a, corpus["dest"], stamp)
        res["event_peer"]["derived"] = peer_derived(res["event_peer"])
    res["comparison"] = compare(res)
    if a.profile:
        res["profile"] = profile_newslake(a, corpus["dest"], stamp)
    res["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
    path = OUT_DIR / f"results-{stamp}.json"
    res["results_path"] = str(path)
    path.write_text(json.dumps(res, indent=2, default=str) + "\n")
    print_report(res)
    if a.profile and "self_pct" in res["profile"]:
        print_profile(res["profile"])
    failed = res["newslake"]["returncode"] != 0 or any(
        (res.get(k) or {}).get("returncode", 0) != 0 for k in ("peer", "event_peer"))
    return 1 if failed else 0


def compare(res: dict) -> dict:
    """newslake against the peer and the re-run against the first run."""
    c: dict = {}
    n = res["newslake"]["derived"]
    if res.get("rerun"):
        c["rerun_pct_of_first"] = round(100 * res["rerun"]["wall_seconds"] / max(res["newslake"]["wall_seconds"], 1e-9), 1)
    p = (res.get("peer") or {}).get("derived")
    if p and p["docs_per_s"] and p["files_per_s"]:
        c["ratio_docs_per_s"] = round(n["docs_per_s"] / p["docs_per_s"], 3)
        c["ratio_files_per_s"] = round(n["files_per_s"] / p["files_per_s"], 3)
        if n.get("cpu_ms_per_file") and p.get("cpu_ms_per_file"):
            c["ratio_cpu_per_file"] = round(p["cpu_ms_per_file"] / n["cpu_ms_per_file"], 3)
        c["meets_ratio_target"] = c["ratio_docs_per_s"] >= TARGETS["ratio_vs_peer"]
    e = (res.get("event_peer") or {}).get("derived")
    if e and e["docs_per_s"] and e["files_per_s"]:
        c["event_ratio_docs_per_s"] = round(n["docs_per_s"] / e["docs_per_s"], 3)
        c["event_ratio_files_per_s"] = round(n["files_per_s"] / e["files_per_s"], 3)
        c["meets_event_ratio_target"] = c["event_ratio_docs_per_s"] >= TARGETS["ratio_vs_event_peer"]
    return c


def print_profile(p: dict) -> None:
    print(f"\npy-spy profile ({p['samples']} samples, all processes): {p['raw']}")
    print("  by process: " + ", ".join(f"{k} {v} %" for k, v in p["per_process_pct"][:6]))
    print("  main process (% of all samples): " + "; ".join(f"{k} {v} %" for k, v in p["main_phases_pct"][:10]))
    print("  top self frames:")
    for k, v in p["self_pct"][:12]:
        print(f"    {v:5.1f} %  {k[:110]}")
    print("  project frames, inclusive:")
    for k, v in p["project_total_pct"][:15]:
        print(f"    {v:5.1f} %  {k[:110]}")


if __name__ == "__main__":
    sys.exit(main())
