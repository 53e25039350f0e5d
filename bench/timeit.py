#!/usr/bin/env python3
"""Time a shell command: prints the median wall time in ms over R runs.

usage: timeit.py RUNS [--cold PATH...] [--before CMD] -- CMD
  --cold PATH   before each run, drop PATH's files (recursively) from the page
                cache with posix_fadvise(DONTNEED), for a cold-cache figure
  --before CMD  a shell command run (untimed) before each run
"""
import os, subprocess, sys, time, statistics

def drop(paths):
    for p in paths:
        for dirpath, _, names in os.walk(p) if os.path.isdir(p) else [(os.path.dirname(p), [], [os.path.basename(p)])]:
            for n in names:
                try:
                    fd = os.open(os.path.join(dirpath, n), os.O_RDONLY)
                except OSError:
                    continue
                try:
                    os.fsync(fd)
                except OSError:
                    pass
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
                os.close(fd)

args = sys.argv[1:]
runs = int(args.pop(0))
cold, before = [], None
while args and args[0] != "--":
    a = args.pop(0)
    if a == "--cold":
        while args and not args[0].startswith("--"):
            cold.append(args.pop(0))
    elif a == "--before":
        before = args.pop(0)
args.pop(0)
cmd = " ".join(args)
times = []
for _ in range(runs):
    if before:
        subprocess.run(before, shell=True, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if cold:
        drop(cold)
    t = time.perf_counter()
    r = subprocess.run(cmd, shell=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    times.append((time.perf_counter() - t) * 1000)
    if r.returncode != 0:
        sys.exit("timeit: command failed (%d): %s" % (r.returncode, cmd))
print("%.2f" % statistics.median(times))
