#!/bin/bash
# cairn report: the guidelines deliverable.  The same workbook gives the
# same bytes; the demo's content is where a reader looks for it; text from
# data is escaped for Markdown and HTML; and the HTML page, rendered by
# headless Chromium (Debian's chromium, when installed), shows its title
# band, its tables and their grid, and the met/short colours.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
wb=$(demo_workbook)

# ---- reproducible ----
"$CAIRN" -C "$wb" report > "$TMP/a.md"
is "$?" 0 "cairn report exits 0"
"$CAIRN" -C "$wb" report > "$TMP/b.md"
ok_cmd "twice, the same bytes (Markdown)" cmp "$TMP/a.md" "$TMP/b.md"
"$CAIRN" -C "$wb" report --html > "$TMP/a.html"
is "$?" 0 "cairn report --html exits 0"
LC_ALL=C "$CAIRN" -C "$wb" report --html > "$TMP/b.html"
ok_cmd "twice, in another locale, the same bytes (HTML)" cmp "$TMP/a.html" "$TMP/b.html"
if locale -a 2>/dev/null | grep -qi '^de_DE.utf-\?8$'; then
	LC_ALL=de_DE.UTF-8 "$CAIRN" -C "$wb" report > "$TMP/de.md"
	ok_cmd "a locale with a decimal comma changes nothing" cmp "$TMP/a.md" "$TMP/de.md"
fi
md=$(cat "$TMP/a.md")
like "$md" "2016-03-20" "dated by the demo's clock, in ISO"
unlike "$md" "$(date +%Y-%m-%d)" "never by today"

# ---- what the demo's report says ----
like "$(head -1 "$TMP/a.md")" "^# Guidelines for future design, implementation and monitoring$" "the title"
like "$md" "^\*\*Citizen City\*\*$" "the workbook's name"
for section in "## Milestone status" "## Validated evaluations by kind of tool" \
	"### Co-design tools" "### Co-creation tools" "### Platforms" "### Other tools" \
	"## Good practices and success stories" "### Good practices" "### Success stories" \
	"## Pilot results against the inclusion targets"; do
	like "$md" "^$section\$" "section: $section"
done
like "$md" "^\| M4 \| Evaluation of existing tools \| 2016-04-15 \| active \|" "a milestone row: id, title, deadline, status"
like "$md" "^#### My Neighbourhood, evaluated by Citizen City initiative leader$" \
	"the validated evaluation, under its tool's kind"
like "$md" "^\*\*Who is leading the participation\?\*\*$" "its answers under the template's prompts"
like "$md" "^The city's participation office, with a neighbourhood association$" "with the answer"
like "$md" "^Neighbourhood workshops every month\.\\\\$" "long text keeps its lines"
like "$md" "^- As co-creator$" "a multiple choice is a list"
unlike "$md" "Decidim|TransformCity|FixMyStreet" "evaluations not validated are left out"
like "$(sed -n '/^### Good practices$/,/^### Success stories$/p' "$TMP/a.md")" \
	"^- My Neighbourhood \(platform\): evaluated by" "the good practice is listed"
like "$md" "^\| slot-01 \| Example city A \(example figures\) \| testing \| 120 \| 48\.3% met \| 50\.0% met \| 1\.7% \| 7\.5% short \| 16\.7% met \| 11\.7% short \|$" \
	"a pilot row: participants and each share, met or short against the target"
like "$md" "^\| Women \| 40% \|" "the targets"
like "$md" "^- slot-03 " "pilots not reporting yet are named"

"$CAIRN" -C "$wb" set evaluation/my-neighbourhood/lead success_story=yes >/dev/null
run "$CAIRN" -C "$wb" report
like "$(echo "$out" | sed -n '/^### Success stories$/,/^## /p')" "^- My Neighbourhood \(platform\)" \
	"a success story is listed in its own section"
like "$out" "Marked as:\*\* good practice, success story" "and marked on the evaluation"

# ---- escaping ----
"$CAIRN" -C "$wb" set tool/my-neighbourhood name='<script>alert(1)</script> | *x* & "q" [l](u)' >/dev/null
"$CAIRN" -C "$wb" report > "$TMP/e.md"
"$CAIRN" -C "$wb" report --html > "$TMP/e.html"
like "$(cat "$TMP/e.md")" '^#### \\<script\\>alert\(1\)\\</script\\> \\\| \\\*x\\\* \\& "q" \\\[l\\\]\(u\), evaluated' \
	"Markdown: markup from data is escaped"
like "$(cat "$TMP/e.html")" '<h4>&lt;script&gt;alert\(1\)&lt;/script&gt; \| \*x\* &amp; &quot;q&quot; \[l\]\(u\), evaluated' \
	"HTML: everything from data is escaped"
unlike "$(cat "$TMP/e.html")" '<script|<link|<img|src=|href=|url\(|@import' \
	"the page has no scripts and fetches nothing"
"$CAIRN" -C "$wb" set tool/my-neighbourhood name="$(printf 'Esc\033[31m bidi\xe2\x80\xae')" >/dev/null
"$CAIRN" -C "$wb" report > "$TMP/c.md"
"$CAIRN" -C "$wb" report --html > "$TMP/c.html"
is "$("$PY" -c 'import sys; print(sum(open(f, "rb").read().count(b) for f in sys.argv[1:] for b in (b"\x1b", "\u202e".encode())))' "$TMP/c.md" "$TMP/c.html")" \
	0 "control characters and bidi overrides do not pass"
structure=$("$PY" - "$TMP/e.html" <<'PY'
import sys
from html.parser import HTMLParser
class P(HTMLParser):
    def __init__(self):
        super().__init__(); self.stack = []; self.bad = 0; self.tables = 0
    def handle_starttag(self, tag, attrs):
        if tag == "table": self.tables += 1
        if tag not in ("meta", "br"): self.stack.append(tag)
    def handle_endtag(self, tag):
        if not self.stack or self.stack.pop() != tag: self.bad += 1
p = P(); p.feed(open(sys.argv[1], encoding="utf-8").read())
print(p.bad, len(p.stack), p.tables)
PY
)
is "$structure" "0 0 4" "the page parses with every tag closed, four tables (one is the comparison)"

# ---- usage and an empty workbook ----
run "$CAIRN" -C "$wb" report --pdf
is "$rc" 2 "an unknown option is a usage error"
empty=$(new_workbook)
run "$CAIRN" -C "$empty" report
is "$rc" 0 "an empty workbook has a report"
like "$out" "No milestones yet" "that says so"

# ---- bash completion ----
complete_words() {   # words of the command line; the last is being typed
	bash -c '
		complete() { :; }
		. "$1/share/completion/cairn"
		shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		_cairn
		printf "%s\n" "${COMPREPLY[@]}"' _ "$top_srcdir" "$@"
}
is "$(complete_words cairn rep)" "report" "completion: the verb"
is "$(complete_words cairn report --h)" "--html" "completion: --html"

# ---- the page in a browser ----
small=$(new_workbook)
for args in "target women label=Women minimum=40" "target migrants label=Migrants minimum=10" \
	"milestone M1 title=First deadline=2016-01-31 status=done done=2016-01-20" \
	"pilot lyon city=Lyon status=testing participants=100 women=45 men=50 migrants=5" \
	"pilot oslo city=Oslo status=done participants=50 women=15 migrants=10"; do
	# shellcheck disable=SC2086
	"$CAIRN" -C "$small" add $args >/dev/null
done
"$CAIRN" -C "$small" report --html > "$TMP/small.html"
chromium=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chromium" ]; then
	diag "chromium is not installed: the page is not rendered (./bootstrap installs it)"
	done_testing
	exit
fi
mkdir -p "$TMP/chromium-home"
# Root needs --no-sandbox; a private HOME keeps Chromium's profile out of ours.
HOME="$TMP/chromium-home" timeout 120 "$chromium" --headless --disable-gpu --no-sandbox \
	--hide-scrollbars --no-first-run --force-device-scale-factor=1 \
	--screenshot="$TMP/small.png" --window-size=1200,2000 "file://$TMP/small.html" \
	>"$TMP/chromium.log" 2>&1
ok_cmd "headless Chromium renders the page" test -s "$TMP/small.png"
# The colours are tui/cli/report_html.c's: the title band, the table heads,
# the grid, a share met and a share short.
seen=$("$PY" - "$TMP/small.png" <<'PY'
import struct, sys, zlib

def rows_of(path):
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat = 8, []
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        pos += 12 + n
        if kind == b"IHDR":
            w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and ctype in (2, 6) and not interlace
        elif kind == b"IDAT":
            idat.append(body)
    raw = zlib.decompress(b"".join(idat))
    bpp = 3 if ctype == 2 else 4
    stride = w * bpp
    prev = bytes(stride)
    out = []
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if f == 2:
            line = bytearray((a + b) & 255 for a, b in zip(line, prev))
        elif f:
            for x in range(stride):
                a = line[x - bpp] if x >= bpp else 0
                b = prev[x]
                c = prev[x - bpp] if x >= bpp else 0
                if f == 1:
                    line[x] = (line[x] + a) & 255
                elif f == 3:
                    line[x] = (line[x] + (a + b) // 2) & 255
                else:
                    p = a + b - c
                    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        prev = bytes(line)
        out.append([tuple(line[x:x + 3]) for x in range(0, stride, bpp)])
    return w, h, out

def near(p, rgb):
    return all(abs(p[i] - rgb[i]) <= 3 for i in range(3))

w, h, px = rows_of(sys.argv[1])
BAND, HEAD, GRID = (0x1d, 0x35, 0x57), (0x34, 0x56, 0x8b), (0x8a, 0x9b, 0xb0)
MET, SHORT = (0xdc, 0xef, 0xdc), (0xf9, 0xde, 0xdb)
def share(y, rgb):
    return sum(near(p, rgb) for p in px[y]) / w
def bands(rgb, least, gap=1):
    # Runs of rows mostly of one colour; a head's lines of white text
    # may break its run for a few rows (gap).
    n, last = 0, -gap - 1
    for y in range(h):
        if share(y, rgb) >= least:
            n += y - last > gap
            last = y
    return n
colours = len({p for row in px[::50] for p in row[::7]})
print("not blank" if colours > 20 else "blank (%d colours)" % colours)
print("band" if all(near(px[y][w // 2], BAND) for y in (5, 40, 80)) else "no band")
print("table heads:", bands(HEAD, 0.5, gap=12))
print("grid lines:", ">=6" if bands(GRID, 0.5) >= 6 else bands(GRID, 0.5))
print("met" if sum(near(p, MET) for row in px for p in row) > 1000 else "no met")
print("short" if sum(near(p, SHORT) for row in px for p in row) > 1000 else "no short")
PY
)
is "$(echo "$seen" | sed -n 1p)" "not blank" "the screenshot is not blank"
is "$(echo "$seen" | sed -n 2p)" "band" "the title band spans the top"
is "$(echo "$seen" | sed -n 3p)" "table heads: 3" "three tables, each with its coloured head"
is "$(echo "$seen" | sed -n 4p)" "grid lines: >=6" "and their grid lines"
is "$(echo "$seen" | sed -n 5p)" "met" "a share that meets its target is shaded green"
is "$(echo "$seen" | sed -n 6p)" "short" "a share short of it, red"
done_testing
