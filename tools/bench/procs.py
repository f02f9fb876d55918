"""Running one benchmarked process: wall time, peak RSS, and when its output arrives.

Peak RSS comes from GNU time (`/usr/bin/time`, Debian package `time`), not from our
own wait4(2): Linux carries a process's RSS high-water mark across fork and exec, so a
child of this (large, ONNX Runtime holding) Python process would never report less than
this process's own RSS. GNU time is small, so its child's number is the command's own.
"""

import os
import subprocess
import tempfile
import time

TIME = "/usr/bin/time"


def _timed(cmd):
    """`cmd` under GNU time writing peak RSS (KiB) to a temporary file."""
    if not os.path.exists(TIME):
        raise SystemExit("peak RSS needs GNU time: apt-get install time")
    fd, path = tempfile.mkstemp(prefix="vtts-bench-rss-")
    os.close(fd)
    return [TIME, "-f", "%M %U %S", "-o", path, *map(str, cmd)], path


def _usage(path):
    """(peak RSS MiB, CPU seconds) that GNU time wrote."""
    with open(path) as report:
        kib, user, system = report.read().split()[-3:]
    os.remove(path)
    return int(kib) / 1024, float(user) + float(system)
from dataclasses import dataclass, field


@dataclass
class Run:
    wall: float  # seconds from spawn to exit
    rss_mb: float  # peak resident set size of the process, MiB
    cpu: float = 0.0  # user + system CPU seconds of the process
    # For streamed runs: (seconds since spawn, bytes so far) at every read.
    arrivals: list = field(default_factory=list)

    @property
    def first_byte(self):
        return self.arrivals[0][0] if self.arrivals else None

    @property
    def last_byte(self):
        return self.arrivals[-1][0] if self.arrivals else None

    @property
    def out_bytes(self):
        return self.arrivals[-1][1] if self.arrivals else 0


def run(cmd, stdin_text=None, stdout=subprocess.DEVNULL, env=None):
    """Runs `cmd` to completion; stdout goes to `stdout` (a file object or DEVNULL)."""
    stdin = subprocess.PIPE if stdin_text is not None else subprocess.DEVNULL
    cmd, report = _timed(cmd)
    started = time.perf_counter()
    child = subprocess.Popen(cmd, stdin=stdin, stdout=stdout, stderr=subprocess.PIPE, env=env)
    if stdin_text is not None:
        child.stdin.write(stdin_text.encode())
        child.stdin.close()
    # stderr is small (a log line or an error); read it before reaping.
    err = child.stderr.read()
    _, status, _ = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))} exited {child.returncode}: "
                           f"{err.decode(errors='replace')[-2000:]}")
    rss, cpu = _usage(report)
    return Run(wall=wall, rss_mb=rss, cpu=cpu)


def run_streamed(cmd, stdin_text=None, env=None):
    """Runs `cmd` reading its stdout through a pipe and noting when each piece arrives."""
    stdin = subprocess.PIPE if stdin_text is not None else subprocess.DEVNULL
    cmd, report = _timed(cmd)
    started = time.perf_counter()
    child = subprocess.Popen(cmd, stdin=stdin, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, env=env, bufsize=0)
    if stdin_text is not None:
        child.stdin.write(stdin_text.encode())
        child.stdin.close()
    arrivals, total = [], 0
    fd = child.stdout.fileno()
    while True:
        data = os.read(fd, 1 << 20)
        if not data:
            break
        total += len(data)
        arrivals.append((time.perf_counter() - started, total))
    _, status, _ = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))} failed")
    rss, cpu = _usage(report)
    return Run(wall=wall, rss_mb=rss, cpu=cpu, arrivals=arrivals)


def wav_seconds(path, sample_rate):
    """Audio length of a 16-bit mono WAV file written by either side (44-byte header)."""
    return (os.path.getsize(path) - 44) / 2 / sample_rate


def proc_rss_mb(pid):
    """(current RSS, peak RSS) of a running process, MiB, from /proc."""
    fields = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            key, _, value = line.partition(":")
            fields[key] = value
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024
