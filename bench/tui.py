#!/usr/bin/env python3
"""The terminal interface measured through a real pty (make bench).

usage: tui.py CAIRN WORKBOOK [RUNS]

Prints, one per line, "name<TAB>figure<TAB>anchor" for:
  - the dashboard drawn (process start to its status line on the pty), warm
    and with a cold page cache (the workbook's files, the program and the
    shared libraries it loads evicted: what a process keeps mapped stays);
  - bytes written to the terminal for one move down a list, beside the
    floor: the two rows that change (their text as drawn) plus 40 bytes;
  - bytes for a view switch, beside one screen's worth (rows x columns);
  - peak resident memory while browsing every view and opening a record
    (cairn's own, from /proc; the background check's beside it).
"""
import fcntl, os, pty, re, select, signal, statistics, struct, subprocess, sys, termios, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
ROWS, COLS = 24, 80


def drop(paths):
    for p in paths:
        walk = os.walk(p) if os.path.isdir(p) else [(os.path.dirname(p), [], [os.path.basename(p)])]
        for dirpath, _, names in walk:
            for n in names:
                try:
                    fd = os.open(os.path.join(dirpath, n), os.O_RDONLY)
                except OSError:
                    continue
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
                os.close(fd)


def spawn(cairn, wb):
    pid, fd = pty.fork()
    if pid == 0:
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        env = dict(os.environ, TERM="xterm-256color", LC_ALL="C.UTF-8")
        os.execve(cairn, [cairn, "-C", wb], env)
    return pid, fd


def read_until(fd, pattern, timeout=20.0):
    """Bytes read until pattern appears (or timeout)."""
    got = b""
    end = time.monotonic() + timeout
    while pattern not in got and time.monotonic() < end:
        r, _, _ = select.select([fd], [], [], 0.05)
        if r:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            got += chunk
    return got


def drain(fd, quiet=0.3):
    """Bytes read until the terminal has been quiet for `quiet` seconds."""
    got = b""
    while True:
        r, _, _ = select.select([fd], [], [], quiet)
        if not r:
            return got
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            return got
        if not chunk:
            return got
        got += chunk


def finish(pid, fd):
    os.write(fd, b"Q\n")
    drain(fd, 0.5)
    try:
        _, status, usage = os.wait4(pid, 0)
    except ChildProcessError:
        return None
    os.close(fd)
    return usage


PTYTIME = None


def first_screen(cairn, wb):
    """ms from fork to the status line on the pty, timed by bench/ptytime.c
    (compiled here) so that Python's own start-up is not in the figure."""
    import subprocess
    out = subprocess.run([PTYTIME, "? help", cairn, "-C", wb], capture_output=True, text=True,
                         env=dict(os.environ, TERM="xterm-256color", LC_ALL="C.UTF-8"))
    return float(out.stdout.strip() or "nan")


def visible_text(data):
    """What a run of terminal output shows, roughly: escapes removed."""
    text = re.sub(rb"\x1b\[[0-9;?]*[ -/]*[@-~]", b"", data)
    text = re.sub(rb"\x1b[()][0-9A-Za-z]|\x1b[=>78]", b"", text)
    return text.replace(b"\r", b"").replace(b"\n", b"")


def build_ptytime():
    import subprocess, tempfile
    global PTYTIME
    exe = os.path.join(tempfile.mkdtemp(), "ptytime")
    src = os.path.join(os.path.dirname(os.path.abspath(__file__)), "ptytime.c")
    subprocess.run(["cc", "-O2", src, "-o", exe, "-lutil"], check=True)
    PTYTIME = exe


def shared_libraries(program):
    """The files of the shared libraries the program loads (ldd's list), so
    that a cold start is cold whether they are linked in or not."""
    try:
        out = subprocess.run(["ldd", program], capture_output=True, text=True).stdout
    except OSError:
        return []
    return [m.group(1) for m in re.finditer(r"=> (/\S+)", out)]


def harness_floor(runs):
    """The same measurement of a program that draws "? help" at once."""
    return statistics.median(first_screen("/bin/echo", "? help") for _ in range(runs))


def main():
    cairn, wb = os.path.abspath(sys.argv[1]), sys.argv[2]
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 11
    build_ptytime()
    floor_ms = harness_floor(runs)
    first_screen(cairn, wb)                                   # warm up
    warm = statistics.median(first_screen(cairn, wb) for _ in range(runs))
    cold_runs, libraries = [], shared_libraries(cairn)
    for _ in range(max(3, runs // 3)):
        drop([os.path.join(wb, ".cairn"), os.path.join(wb, ".git"), os.path.join(wb, "cairn.ini"), cairn]
             + libraries)
        cold_runs.append(first_screen(cairn, wb))
    cold = statistics.median(cold_runs)

    pid, fd = spawn(cairn, wb)
    read_until(fd, b"? help")
    drain(fd)
    os.write(fd, b"j")
    moved = drain(fd)
    # The floor: the text of the two rows that change, plus 40 bytes.
    text = visible_text(moved)
    floor = len(text) + 40
    os.write(fd, b"2")
    switched = drain(fd, 1.0)
    for key in b"345678913":
        os.write(fd, bytes([key]))
        drain(fd, 1.0)
    os.write(fd, b"\n")                                        # open a record
    drain(fd, 1.0)
    hwm = float("nan")
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmHWM:"):
                hwm = int(line.split()[1]) / 1024
    usage = finish(pid, fd)
    # wait4's ru_maxrss is the largest of cairn and the children it waited
    # for: the background check for hand edits (git status) among them.
    child_mib = usage.ru_maxrss / 1024 if usage else float("nan")
    # Goals (issue 18): at most 10 ms warm and 25 ms cold, and 32 MiB peak
    # for every process (the ratios to them are printed).
    print("dashboard drawn, warm\t%.2f ms\t%.2f ms less the harness's own %.2f ms; %.2fx the 10 ms goal" % (warm, warm - floor_ms, floor_ms, warm / 10))
    print("dashboard drawn, cold\t%.2f ms\t%.2f ms less the harness's own %.2f ms; %.2fx the 25 ms goal" % (cold, cold - floor_ms, floor_ms, cold / 25))
    print("bytes for one move down\t%d\tfloor %d (two changed rows %d + 40)" % (len(moved), floor, len(text)))
    print("bytes for a view switch\t%d\tone screen %d" % (len(switched), ROWS * COLS))
    print("peak RSS browsing every view\t%.1f MiB\t%.2fx the 32 MiB goal; the hand-edit check, a child process: %.1f MiB, %.2fx the goal" % (hwm, hwm / 32, child_mib, child_mib / 32))


if __name__ == "__main__":
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    main()
