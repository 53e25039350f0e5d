#!/usr/bin/env python3
"""Generate a cairn workbook of N records for the benchmarks.

About 55% evaluations with fifteen answers, 30% tasks, the rest milestones,
persons, tools and pilots, written as a git fast-import stream (one commit),
so that generating 100k records takes seconds.  Also writes tasks.json for
taskwarrior's `task import` with as many tasks as the workbook has records.

usage: gen.py N DIR
"""
import os, subprocess, sys, random

def fnv_shard(id_):
    h = 2166136261
    for ch in id_.lower().encode():
        h ^= ch
        h = (h * 16777619) & 0xffffffff
    return "%02x" % (h & 0xff)

def record(fields):
    out = []
    for k, v in fields:
        if "\n" in v:
            out.append(k + ":")
            for line in v.split("\n"):
                out.append(" ." if line == "" else " " + ("." + line if line.startswith(".") else line))
        elif v == "":
            out.append(k + ":")
        else:
            out.append(k + ": " + v)
    return ("\n".join(out) + "\n").encode()

def main():
    n, root = int(sys.argv[1]), sys.argv[2]
    rnd = random.Random(n)
    n_eval = n * 55 // 100
    n_task = n * 30 // 100
    rest = n - n_eval - n_task
    n_person = max(2, rest * 30 // 100)
    n_tool = max(1, rest * 30 // 100)
    n_milestone = max(1, rest * 20 // 100)
    n_pilot = max(0, rest - n_person - n_tool - n_milestone - 1)
    files = {}
    files["cairn.ini"] = b"[workbook]\nname = bench\nschema = 1\n"
    files[".gitignore"] = b"/.cairn/\n"
    qkeys = ["q%02d" % i for i in range(15)]
    tpl = [("title", "Bench template"), ("version", "1"), ("questions", "\n".join(qkeys))]
    qfields = []
    for i, k in enumerate(qkeys):
        t = ["text", "longtext", "yesno", "scale", "percent"][i % 5]
        qfields += [("q.%s.prompt" % k, "Question %d?" % i), ("q.%s.type" % k, t)]
    tpl += sorted(qfields)
    files["templates/%s/t" % fnv_shard("t")] = record(tpl)
    persons = ["p%d" % i for i in range(n_person)]
    tools = ["tool%d" % i for i in range(n_tool)]
    for p in persons:
        files["persons/%s/%s" % (fnv_shard(p), p)] = record([
            ("name", "Person " + p), ("email", p + "@example.org"),
            ("category", "other"), ("role", "key-person")])
    for t in tools:
        files["tools/%s/%s" % (fnv_shard(t), t)] = record([
            ("name", "Tool " + t), ("kind", "platform"), ("description", "A tool.\nSecond line.")])
    for i in range(n_milestone):
        m = "M%d" % i
        files["milestones/%s/%s" % (fnv_shard(m), m)] = record([
            ("title", "Milestone %d" % i), ("deadline", "2016-%02d-%02d" % (1 + i % 12, 1 + i % 28)),
            ("owner", persons[i % n_person]), ("status", ["planned", "active", "done"][i % 3])])
    for i in range(n_task):
        t = "T%d" % i
        files["tasks/%s/%s" % (fnv_shard(t), t)] = record([
            ("title", "Task %d" % i), ("milestone", "M%d" % (i % n_milestone)),
            ("assignee", persons[i % n_person]), ("due", "2016-%02d-%02d" % (1 + i % 12, 1 + i % 28)),
            ("status", ["planned", "active", "done"][i % 3]), ("notes", "Some notes.\nMore.")])
    for i in range(n_pilot):
        p = "pilot%d" % i
        files["pilots/%s/%s" % (fnv_shard(p), p)] = record([
            ("city", "City %d" % i), ("status", "testing"), ("participants", "100"),
            ("women", "45"), ("men", "50"), ("migrants", "9"), ("aged65", "16")])
    answers = {"text": "An answer", "longtext": "Line one of a long answer.\nLine two.\n\nLine four.",
               "yesno": "yes", "scale": "4", "percent": "42"}
    made = 0
    k = 0
    while made < n_eval:
        tool = tools[k % n_tool]
        person = persons[(k // n_tool + k) % n_person]
        k += 1
        path = "evaluations/%s/%s/%s" % (fnv_shard(tool), tool, person)
        if path in files:
            continue
        validator = persons[(persons.index(person) + 1) % n_person] if n_person < 1000 else "p%d" % ((int(person[1:]) + 1) % n_person)
        f = [("template", "t"), ("template_version", "1"), ("validator", validator),
             ("status", ["assigned", "draft", "submitted", "returned", "validated"][made % 5])]
        for i, q in enumerate(qkeys):
            f.append(("answer." + q, answers[["text", "longtext", "yesno", "scale", "percent"][i % 5]]))
        f[4:] = sorted(f[4:])
        files[path] = record(f)
        made += 1
    os.makedirs(root, exist_ok=True)
    subprocess.run(["git", "init", "-q", "-b", "main", root], check=True)
    stream = [b"commit refs/heads/main\nauthor Bench <bench@example.org> 1458432000 +0000\n"
              b"committer Bench <bench@example.org> 1458432000 +0000\ndata 15\nBench workbook\n"]
    for path, data in files.items():
        stream.append(b"M 100644 inline %s\ndata %d\n" % (path.encode(), len(data)))
        stream.append(data + b"\n")
    subprocess.run(["git", "-C", root, "fast-import", "--quiet"], input=b"".join(stream), check=True)
    subprocess.run(["git", "-C", root, "checkout", "-q", "-f", "main"], check=True)
    with open(os.path.join(root, "..", os.path.basename(root) + "-tasks.json"), "w") as f:
        for i in range(len(files) - 2):
            f.write('{"description":"Task %d","status":"pending","project":"bench","due":"2016%02d%02dT000000Z"}\n'
                    % (i, 1 + i % 12, 1 + i % 28))
    print(len(files) - 2)

main()
