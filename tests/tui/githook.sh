#!/bin/bash
# A workbook made before git's pre-commit hook gets it when the terminal
# interface opens it (as from a verb that saves), and a hook of the
# user's own stays as it is.
. "$(dirname "$0")/lib.sh"

hook="$wb/.git/hooks/pre-commit"
rm -f "$hook"
open_session 80 24 "env TERM=tmux-256color '$CAIRN' -C '$wb'"
wait_for "\\? help" || diag "cairn did not open: $(screen)"
keys Q
like "$(cat "$hook" 2>/dev/null)" "cairn's own pre-commit hook" "the terminal interface installs a missing hook"
printf '#!/bin/sh\nexit 0\n' > "$hook"
open_session 80 24 "env TERM=tmux-256color '$CAIRN' -C '$wb'"
wait_for "\\? help" || diag "cairn did not open: $(screen)"
keys Q
is "$(cat "$hook")" "$(printf '#!/bin/sh\nexit 0')" "and leaves a hook of the user's own alone"
done_testing
