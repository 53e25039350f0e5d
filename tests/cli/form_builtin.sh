#!/bin/bash
# A form's expressions read the record's own fields too, cairn's built-in
# ones (a milestone's status, a task's assignee, ...), not only the
# form's: a field required only when the milestone is done is refused
# empty at status done, naming the record and the field, and no other
# status asks for it.  cairn-workbook(5), FORMS.
. "$(dirname "$0")/lib.sh"

wb=$(new_workbook)
C() { "$CAIRN" -C "$wb" "$@"; }
C add person ana name=Ana category=other role=key-person >/dev/null

run C add form milestone questions="$(printf 'report\nrating')" \
	q.report.type=text q.report.prompt="Final report" q.report.required=yes \
	q.report.when="\${status} = 'done'" \
	q.rating.type=scale q.rating.prompt=Rating \
	q.rating.constraint="\${owner} != '' or . <= 3" \
	q.rating.constraint-message="a milestone with no owner is rated 3 at most"
is "$rc" 0 "a form's when and constraint may read the milestone's status and owner ($err)"

run C add milestone M1 title="Map of needs" status=active
is "$rc" 0 "status active: the report is not asked ($err)"
run C set milestone/M1 status=done
is "$rc" 1 "status done with no report is refused"
like "$err" "milestone/M1: report: is required when \\\$\{status\} = 'done'; set it with report=VALUE" \
	"naming the record and the field, and when"
run C add milestone M2 title="Webinar" status=done
is "$rc" 1 "adding a milestone done with no report is refused too"
like "$err" "milestone/M2: report: is required" "naming it"
run C set milestone/M1 status=done report="Delivered on time"
is "$rc" 0 "status done with a report is saved ($err)"
for s in planned active dropped; do
	run C add milestone "M-$s" title="One $s" status=$s
	is "$rc" 0 "status $s: no report needed ($err)"
done
run C set milestone/M1 status=active report=
is "$rc" 0 "back to active, the report may go ($err)"

# A constraint reads them too.
run C set milestone/M1 rating=5
is "$rc" 1 "a constraint over a built-in field (no owner): refused"
like "$err" "milestone/M1: rating: a milestone with no owner is rated 3 at most" "with its message"
run C set milestone/M1 owner=ana rating=5
is "$rc" 0 "with an owner it holds ($err)"

# A field that is neither the form's nor the kind's is still refused.
run C set form/milestone q.report.when="\${stauts} = 'done'"
is "$rc" 1 "a when reading no field of the form or of a milestone is refused"
like "$err" "form/milestone: q.report.when: at character 1: \\\$\{stauts\} is not" "saying which, and where"

# A hand edit committed by plain git is listed by cairn check.
f=$(cd "$wb" && git ls-tree -r --name-only HEAD milestones | grep '/M1$')
sed -i 's/^status: .*/status: done/; /^report:/d' "$wb/$f"
git -C "$wb" commit -qam "done by hand"
run C check
is "$rc" 1 "cairn check finds the milestone done with no report"
like "$out$err" "milestone/M1: report: is required when" "and names it"
done_testing
