#!/usr/bin/env bash
# Fails when two tracked paths differ only in letter case: on macOS's and Windows' default
# (case-insensitive) file systems they would be one file or folder, and a checkout breaks.
set -euo pipefail
cd "$(dirname "$0")/.."
clashes="$(git ls-files | awk '{ n = split($0, parts, "/"); p = ""; for (i = 1; i <= n; i++) { p = p (i > 1 ? "/" : "") parts[i]; print p } }' \
    | sort -u | awk '{ print tolower($0) "\t" $0 }' | sort | awk -F'\t' '$1 == last { print prev; print $2 } { last = $1; prev = $2 }' | sort -u)"
if [[ -n "$clashes" ]]; then
    echo "paths that differ only in case (one path on case-insensitive file systems):" >&2
    echo "$clashes" >&2
    exit 1
fi
echo "paths: no two differ only in case"
