#!/bin/bash
# A merge writes a record's fields in their canonical order, whatever it
# added after merging (a settled conflict, a validation undone by sync),
# so that the next one-field edit is a one-line diff in plain git.
. "$(dirname "$0")/lib.sh"

shared_demo
b="$TMP/b"
"$CAIRN" clone "$shared" "$b" >/dev/null
path_of() { (cd "$1" && git ls-files | grep "/$2\$"); }
one_line_diff() {
	# the last commit's diff of $2 in $1: its - and + lines, without headers
	git -C "$1" show HEAD -- "$2" | grep -E '^[-+][^-+]' | wc -l
}

# ---- a conflict settled with a field ours had removed ----
"$CAIRN" -C "$a" set milestone/M3 result= >/dev/null
"$CAIRN" -C "$a" sync >/dev/null
"$CAIRN" -C "$b" set milestone/M3 "result=A map, by cluster" >/dev/null
run "$CAIRN" -C "$b" sync
is "$rc" 4 "removed here, changed there: a conflict"
run "$CAIRN" -C "$b" resolve milestone/M3 result --ours
is "$rc" 0 "settled, keeping our value"
m3=$(path_of "$b" M3)
order=$(sed -n 's/^\([a-z_.]*\):.*/\1/p' "$b/$m3" | tr '\n' ' ')
is "$order" "title description deadline result owner status note " "the merge wrote the fields in their order"
"$CAIRN" -C "$b" set milestone/M3 status=done >/dev/null
is "$(one_line_diff "$b" "$m3")" 2 "the next one-field edit is one removed and one added line"

# ---- a validation undone by a merge adds its comment in its place ----
"$CAIRN" -C "$b" sync >/dev/null
"$CAIRN" -C "$a" sync >/dev/null
ev=evaluation/transformcity/bwg-1       # submitted, validated by eip-1
"$CAIRN" -C "$a" set person/eip-1 email=eip1@example.org >/dev/null
"$CAIRN" -C "$a" sync >/dev/null
"$CAIRN" -C "$b" sync >/dev/null
printf '[user]\nname = Validator\nemail = eip1@example.org\n' > "$TMP/eip1.cfg"
CAIRN_CONFIG="$TMP/eip1.cfg" "$CAIRN" -C "$a" validate $ev >/dev/null
"$CAIRN" -C "$a" sync >/dev/null
"$CAIRN" -C "$b" set $ev "answer.leader=Changed meanwhile" >/dev/null
run "$CAIRN" -C "$b" sync
is "$rc" 0 "the change and the validation merge"
evp=$(path_of "$b" transformcity/bwg-1)
like "$(cat "$b/$evp")" "answers changed after validation" "the validation was undone, and says why"
order=$(sed -n 's/^\([a-z_]*\)\(\.[a-z-]*\)\{0,1\}:.*/\1/p' "$b/$evp" | uniq | tr '\n' ' ')
is "$order" "template template_version validator status comments answer " "comments in their place, before the answers"
"$CAIRN" -C "$b" set $ev "answer.tools=One answer" >/dev/null
is "$(one_line_diff "$b" "$evp")" 2 "the next one-answer edit is a one-line change"

# ---- what the README says of multiple choices and comments ----
"$CAIRN" -C "$b" set $ev "answer.targeted=All citizens, Women, Aged 65+" >/dev/null
"$CAIRN" -C "$b" set $ev "answer.targeted=All citizens, Aged 65+" >/dev/null
is "$(git -C "$b" show HEAD -- "$evp" | grep '^-[^-]')" "- Women" "a choice taken away is one removed line"
is "$(git -C "$b" show HEAD -- "$evp" | grep -c '^+[^+]')" 0 "and no added line"
ok_cmd "git is clean" git_clean "$b"

done_testing
