#!/bin/bash
# The layer rule of core/ and tui/ (see tests/cli/layers.py): no include
# reaches a layer above its own, the libraries stay in their folders,
# every folder says what it may include, and po/POTFILES.in follows moves.
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
exec python3 "$top_srcdir/tests/cli/layers.py" "$top_srcdir"
