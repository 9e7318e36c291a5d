"""Run one command and measure it: wall time, CPU time and peak memory of its whole process tree."""
from __future__ import annotations

import os
import subprocess
import threading
import time
from dataclasses import asdict, dataclass, field

import psutil

SAMPLE_EVERY_S = 0.2
TIMELINE_EVERY_S = 1.0
MIB = 1024 * 1024


@dataclass
class Measurement:
    """What one measured command did; memory in MiB, times in seconds."""
    cmd: list[str]
    returncode: int
    wall_seconds: float
    cpu_user_seconds: float  # the command and every descendant it waited for (rusage)
    cpu_system_seconds: float
    peak_tree_rss_mib: float  # largest sum of RSS over the process tree at one sample
    peak_tree_pss_mib: float  # largest sum of PSS (shared pages split among the processes sharing them)
    peak_single_rss_mib: float  # largest RSS of one process at one sample
    max_rss_rusage_mib: float  # rusage ru_maxrss of the tree: what GNU time -v reports
    sampled_cpu_seconds: float  # sum over every process seen of its last sampled CPU time (cross-check)
    peak_processes: int
    peak_rss_by_role_mib: dict  # role (main, worker, prefect-server, helper) -> largest RSS of one such process
    cpu_by_role_seconds: dict  # role -> CPU seconds summed over its processes (last sample of each)
    samples: int
    timeline: list[tuple[float, float, int]] = field(default_factory=list)  # (t, tree RSS MiB, processes)
    stdout: str = ""
    stderr_tail: str = ""

    @property
    def cpu_seconds(self) -> float:
        """rusage misses children nobody waited for (the pool's fork server and its workers): the
        sampled sum stands in when it is larger."""
        return max(self.cpu_user_seconds + self.cpu_system_seconds, self.sampled_cpu_seconds)

    def as_dict(self) -> dict:
        d = asdict(self)
        d.pop("stdout")
        d["cpu_seconds"] = round(self.cpu_seconds, 3)
        return d


class TreeSampler(threading.Thread):
    """Samples RSS of a process and all its descendants every SAMPLE_EVERY_S until stopped."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid = pid
        self.started = time.perf_counter()
        self.stop_event = threading.Event()
        self.peak_tree = self.peak_single = self.peak_tree_pss = 0
        self.peak_processes = self.samples = 0
        self.timeline: list[tuple[float, float, int]] = []
        self._procs: dict[int, psutil.Process] = {}
        self.cpu: dict[int, float] = {}
        self.roles: dict[int, str] = {}
        self.peak_by_role: dict[str, int] = {}

    def run(self) -> None:
        next_mark = 0.0
        while not self.stop_event.is_set():
            tree, single, n, tree_pss = self.sample()
            self.samples += 1
            self.peak_tree = max(self.peak_tree, tree)
            self.peak_tree_pss = max(self.peak_tree_pss, tree_pss)
            self.peak_single = max(self.peak_single, single)
            self.peak_processes = max(self.peak_processes, n)
            t = time.perf_counter() - self.started
            if t >= next_mark and n:
                self.timeline.append((round(t, 1), round(tree / MIB, 1), n))
                next_mark = t + TIMELINE_EVERY_S
            self.stop_event.wait(SAMPLE_EVERY_S)

    def sample(self) -> tuple[int, int, int, int]:
        """(sum of RSS, largest RSS, number of processes, sum of PSS) over the tree right now."""
        try:
            root = self._proc(self.pid)
            procs = [root] + root.children(recursive=True)
        except psutil.Error:
            return 0, 0, 0, 0
        rss, pss = [], []
        for p in procs:
            try:
                known = self._proc(p.pid, p)
                with known.oneshot():
                    mem = known.memory_full_info()  # PSS from /proc/PID/smaps_rollup
                    rss.append(mem.rss)
                    pss.append(getattr(mem, "pss", mem.rss))
                    t = known.cpu_times()
                self.cpu[p.pid] = t.user + t.system
                role = self.roles.setdefault(p.pid, process_role(known, self.pid))
                self.peak_by_role[role] = max(self.peak_by_role.get(role, 0), rss[-1])
            except psutil.Error:
                continue
        return sum(rss), max(rss, default=0), len(rss), sum(pss)

    def cpu_by_role(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for pid, cpu in self.cpu.items():
            role = self.roles.get(pid, "other")
            out[role] = round(out.get(role, 0.0) + cpu, 2)
        return dict(sorted(out.items()))

    def _proc(self, pid: int, proc: psutil.Process | None = None) -> psutil.Process:
        # keep Process objects so a reused pid is never confused with the one we saw
        if pid not in self._procs:
            self._procs[pid] = proc or psutil.Process(pid)
        return self._procs[pid]


def process_role(proc: psutil.Process, root_pid: int) -> str:
    """main (the measured command), prefect-server, helper (resource tracker) or worker."""
    if proc.pid == root_pid:
        return "main"
    try:
        cmd = " ".join(proc.cmdline())
    except psutil.Error:
        return "other"
    return role_of_command(cmd, default="worker")


def role_of_command(cmd: str, default: str = "other") -> str:
    """worker, helper (resource tracker) or prefect-server from a child's command line, else default."""
    if "spawn_main" in cmd or "forkserver" in cmd:
        return "worker"
    if "resource_tracker" in cmd:
        return "helper"
    if "prefect" in cmd and ("server" in cmd or "uvicorn" in cmd):
        return "prefect-server"
    return default


def run_measured(cmd: list[str], log_path: str | None = None, env: dict | None = None,
                 cwd: str | None = None) -> Measurement:
    """Run cmd to completion under measurement; stdout is captured, stderr goes to log_path."""
    out_r, out_w = os.pipe()
    err = open(log_path, "wb") if log_path else subprocess.DEVNULL
    chunks: list[bytes] = []
    started = time.perf_counter()
    try:
        proc = subprocess.Popen(cmd, stdout=out_w, stderr=err, stdin=subprocess.DEVNULL, env=env, cwd=cwd)
    finally:
        os.close(out_w)
    reader = threading.Thread(target=_drain, args=(out_r, chunks), daemon=True)
    reader.start()
    sampler = TreeSampler(proc.pid)
    sampler.start()
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    sampler.stop_event.set()
    sampler.join()
    reader.join()
    if log_path:
        err.close()
    return Measurement(
        cmd=cmd, returncode=proc.returncode, wall_seconds=round(wall, 3),
        cpu_user_seconds=round(usage.ru_utime, 3), cpu_system_seconds=round(usage.ru_stime, 3),
        peak_tree_rss_mib=round(sampler.peak_tree / MIB, 1),
        peak_tree_pss_mib=round(sampler.peak_tree_pss / MIB, 1),
        peak_single_rss_mib=round(sampler.peak_single / MIB, 1),
        max_rss_rusage_mib=round(usage.ru_maxrss / 1024, 1),
        sampled_cpu_seconds=round(sum(sampler.cpu.values()), 3),
        peak_processes=sampler.peak_processes,
        peak_rss_by_role_mib={k: round(v / MIB, 1) for k, v in sorted(sampler.peak_by_role.items())},
        cpu_by_role_seconds=sampler.cpu_by_role(), samples=sampler.samples, timeline=sampler.timeline,
        stdout=b"".join(chunks).decode("utf-8", "replace"),
        stderr_tail=_tail(log_path) if log_path else "",
    )


def _drain(fd: int, chunks: list[bytes]) -> None:
    with os.fdopen(fd, "rb") as f:
        while block := f.read(65536):
            chunks.append(block)


def _tail(path: str, n: int = 2000) -> str:
    with open(path, "rb") as f:
        f.seek(0, os.SEEK_END)
        f.seek(max(0, f.tell() - n))
        return f.read().decode("utf-8", "replace")
