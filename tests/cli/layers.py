#!/usr/bin/env python3
"""cairn's layer rule, made executable (run by tests/cli/layers.sh).

Reads every #include of core/, include/cairn/ and tui/ and prints one TAP
line per rule: a file may include only its own layer and the ones below it.

    base (0) < model (1) < git (2), index (2) < workbook (3)
      < tui/ (4: main.c's helpers, session.h, output.c, i18n)
      < tui/screen/ (5) < tui/cli/ (6) < tui/main.c (7)

git/ and index/ are siblings and never include each other.  Only core/git/
includes <git2.h>, only core/index/ includes <sqlite3.h>, core/ never
includes curses, tui/ includes no private header of core/.  A header of
include/cairn/ belongs to the layer of the core file of the same name, or
to the one PUBLIC_LAYER gives it; a new public header must find one.
Also: po/POTFILES.in lists every file whose strings are marked for
translation, and nothing else, so that a moved file cannot silently lose
its translations."""
import os
import re
import sys

top = sys.argv[1] if len(sys.argv) > 1 else "."
LAYERS = {"core/base": 0, "core/model": 1, "core/git": 2, "core/index": 2,
          "core/workbook": 3, "tui": 4, "tui/screen": 5, "tui/cli": 6}
NAMES = {v: k for k, v in LAYERS.items()}
# Public headers with no core file of the same name.
PUBLIC_LAYER = {"i18n.h": "core/base", "oid.h": "core/base", "net.h": "core/base",
                "query.h": "core/index", "template.h": "core/model", "schema.h": "core/model",
                "index.h": "core/index", "gitstore.h": "core/git",
                "gitremote.h": "core/git", "workbook.h": "core/workbook",
                "wb_internal.h": "core/workbook", "history.h": "core/workbook"}

n = 0
failed = 0


def tap(ok, name, why=""):
    global n, failed
    n += 1
    if not ok:
        failed += 1
    print(("ok" if ok else "not ok") + f" {n} - {name}")
    if not ok and why:
        for line in why.splitlines():
            print("#   " + line)


def sources(folder):
    out = []
    for root, _, files in os.walk(os.path.join(top, folder)):
        for f in files:
            if f.endswith((".c", ".h")):
                out.append(os.path.relpath(os.path.join(root, f), top))
    return sorted(out)


def folder_of(path):
    d = os.path.dirname(path)
    return d


core_files = {}
for p in sources("core"):
    core_files.setdefault(os.path.basename(p), []).append(folder_of(p))


def layer_of(path):
    """(folder, layer) of a file of the tree, or (None, None)."""
    if path.startswith("include/cairn/"):
        base = os.path.basename(path)
        if base in PUBLIC_LAYER:
            f = PUBLIC_LAYER[base]
            return f, LAYERS[f]
        folders = core_files.get(base[:-2] + ".c", [])
        if len(folders) == 1:
            return folders[0], LAYERS[folders[0]]
        return None, None
    d = folder_of(path)
    if path == "tui/main.c":
        return "tui/main.c", 7
    if d in LAYERS:
        return d, LAYERS[d]
    return None, None


def resolve(includer, name):
    """The file a quoted include names, searched as the build does."""
    here = os.path.dirname(includer)
    search = [here, "include"]
    if includer.startswith("core/"):
        search.append("core")
    if includer.startswith("tui/"):
        search.append("tui")
    if includer.startswith("tests/"):
        search += ["core", "tests/unit"]
    for d in search:
        cand = os.path.normpath(os.path.join(d, name))
        if os.path.isfile(os.path.join(top, cand)):
            return cand
    return None


inc_re = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)
files = sources("core") + sources("include/cairn") + sources("tui")
problems = {"upward": [], "siblings": [], "unknown": [], "system": [], "private": [],
            "screen": []}
for f in files:
    text = open(os.path.join(top, f), encoding="utf-8", errors="replace").read()
    folder, layer = layer_of(f)
    if layer is None:
        problems["unknown"].append(f"{f}: no layer (add it to PUBLIC_LAYER in tests/cli/layers.py)")
        continue
    for m in inc_re.finditer(text):
        kind, name = m.group(1), m.group(2)
        line = text.count("\n", 0, m.start()) + 1
        where = f"{f}:{line}: #include {kind}{name}{'>' if kind == '<' else kind}"
        if kind == "<":
            if name == "git2.h" or name.startswith("git2/"):
                if folder != "core/git":
                    problems["system"].append(where + " (only core/git/ speaks libgit2)")
            elif name == "sqlite3.h":
                if folder != "core/index":
                    problems["system"].append(where + " (only core/index/ speaks SQL)")
            elif re.match(r"(n?curses|ncursesw/|term\.h|panel\.h|menu\.h|form\.h)", name):
                if not f.startswith("tui/"):
                    problems["system"].append(where + " (curses belongs to tui/)")
            continue
        target = resolve(f, name)
        if target is None:
            problems["unknown"].append(where + " (not found)")
            continue
        tfolder, tlayer = layer_of(target)
        if tlayer is None:
            problems["unknown"].append(where + f" ({target} has no layer)")
            continue
        if f.startswith("tui/") and target.startswith("core/"):
            problems["private"].append(where + " (tui/ uses include/cairn/ only)")
        if f.startswith("include/") and target.startswith("core/"):
            problems["private"].append(where + " (the public face includes no private header)")
        if {folder, tfolder} == {"core/git", "core/index"}:
            problems["siblings"].append(where + " (git/ and index/ never include each other)")
        elif folder == "tui/screen" and tfolder == "tui/cli":
            problems["screen"].append(where + " (the screens never include the verbs)")
        elif tlayer > layer:
            problems["upward"].append(where + f" ({folder} is below {tfolder})")

tap(not problems["unknown"], "every file and every include has a layer", "\n".join(problems["unknown"]))
tap(not problems["upward"], "no include reaches a layer above its own", "\n".join(problems["upward"]))
tap(not problems["siblings"], "core/git/ and core/index/ never include each other", "\n".join(problems["siblings"]))
tap(not problems["system"], "git2.h only in core/git/, sqlite3.h only in core/index/, curses only in tui/",
    "\n".join(problems["system"]))
tap(not problems["private"], "tui/ and include/cairn/ include no private header of core/",
    "\n".join(problems["private"]))
tap(not problems["screen"], "tui/screen/ never includes tui/cli/", "\n".join(problems["screen"]))

# Every folder says what lives there and what it may include.
for d in LAYERS:
    readme = os.path.join(top, d, "README")
    tap(os.path.isfile(readme), f"{d}/ opens with a README")

# Sizes: no source over 1,000 lines; none under 40 unless a header.
big, small = [], []
for f in files:
    if not f.endswith(".c"):
        continue
    lines = sum(1 for _ in open(os.path.join(top, f), encoding="utf-8", errors="replace"))
    if lines > 1000:
        big.append(f"{f}: {lines} lines")
    if lines < 40:
        small.append(f"{f}: {lines} lines")
tap(not big, "no source file over 1,000 lines", "\n".join(big))
tap(not small, "no source file under 40 lines", "\n".join(small))

# po/POTFILES.in against the marks.
listed = [l.strip() for l in open(os.path.join(top, "po/POTFILES.in"))
          if l.strip() and not l.startswith("#")]
mark = re.compile(r'\b(N?_|P_)\("')
marked = sorted(f for f in files
                if mark.search(open(os.path.join(top, f), encoding="utf-8", errors="replace").read())
                and f not in ("include/cairn/i18n.h",))
missing = [f for f in marked if f not in listed]
stale = [f for f in listed if not os.path.isfile(os.path.join(top, f))]
unmarked = [f for f in listed if f not in marked and f not in stale]
tap(not missing, "po/POTFILES.in lists every file with strings marked for translation",
    "\n".join(f"{f}: marked, not listed" for f in missing))
tap(not stale and not unmarked, "po/POTFILES.in lists only files that exist and hold marks",
    "\n".join([f"{f}: listed, not there" for f in stale] + [f"{f}: listed, no mark" for f in unmarked]))
# Every source and header of core/, include/cairn/ and tui/ is named by
# Makefile.am or its folder's local.mk: an unlisted header builds here and
# is missing from the tarball.
build = open(os.path.join(top, "Makefile.am")).read()
for d in LAYERS:
    mk = os.path.join(top, d, "local.mk")
    if os.path.isfile(mk):
        build += "".join(l.replace("%reldir%", d) for l in open(mk))
unlisted = [f for f in files if not re.search(r"(^|\s)" + re.escape(f) + r"(\s|$)", build)]
tap(not unlisted, "Makefile.am or a local.mk lists every source and header",
    "\n".join(f"{f}: not in the build (add it to its folder's local.mk)" for f in unlisted))
print(f"1..{n}")
sys.exit(0)
