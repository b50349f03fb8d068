#!/usr/bin/env bash
# wscheck-plugins(7) stays in sync with the plugins: every plugin, check and
# param that `wscheck plugins --json` lists is documented in the page, every
# check the page documents exists, and the page renders without warnings.
#
# The page's conventions, which this test relies on:
#   .SH "THE <plugin> PLUGIN"      one section per plugin, holding
#   .SS <plugin>.<check>           one subsection per check, in which
#   .TP
#   .BR <param> " (<type>, ...)"   each param is an item tagged with its name
# A check's section may instead name a shared section in bold,
# \fBWEBSOCKET OPTIONS\fR, \fBHTTP OPTIONS\fR, \fBMCP OPTIONS\fR,
# \fBSTREAM OPTIONS\fR, \fBCRACKERJACK OPTIONS\fR, \fBMONITORING FEED OPTIONS\fR or
# \fBREFUSAL OPTIONS\fR, whose items
# then count too.
# The steps of ws-basic.conversation (the actions and modifiers its schema
# lists) are items of the same form in the section CONVERSATION STEPS.
. "$top_srcdir/tests/integration/lib.sh"

PAGE=$top_srcdir/docs/wscheck-plugins.7
PY=${PYTHON_WS:-python3}
SHARED_SECTIONS=("WEBSOCKET OPTIONS" "HTTP OPTIONS" "MCP OPTIONS" "STREAM OPTIONS"
    "CRACKERJACK OPTIONS" "MONITORING FEED OPTIONS" "REFUSAL OPTIONS")

# section LEVEL TITLE < page: the lines of the section (LEVEL SH) or
# subsection (LEVEL SS) titled TITLE, up to the next heading of that level or
# above. Quotes around the title are ignored.
section() {
    awk -v level="$1" -v title="$2" '
        /^\.S[HS]( |$)/ {
            if (inside && ($1 == ".SH" || level == "SS")) exit
            t = $0; sub(/^\.S[HS] */, "", t); gsub(/"/, "", t)
            if ($1 == "." level && t == title) { inside = 1; next }
        }
        inside { print }'
}

# items < lines: the names of the items tagged `.TP` + `.BR name "..."`.
items() {
    awk 'prev == ".TP" && $1 == ".BR" && $3 ~ /^"/ { print $2 } { prev = $0 }'
}

# documented_params PLUGIN CHECK: the params the page documents for the
# check, its own items and those of the shared sections it names.
documented_params() {
    local text shared
    text=$(section SH "THE $1 PLUGIN" <"$PAGE" | section SS "$1.$2")
    printf '%s\n' "$text" | items
    for shared in "${SHARED_SECTIONS[@]}"; do
        if printf '%s\n' "$text" | grep -qF "\\fB$shared\\fR"; then
            section SH "$shared" <"$PAGE" | items
        fi
    done
}

# missing WANTED... < documented names: the wanted names not among them.
missing() {
    local have name out=""
    have=$(cat)
    for name in "$@"; do
        printf '%s\n' "$have" | grep -qxF -- "$name" || out="$out $name"
    done
    printf '%s' "${out# }"
}

# ---- what the plugins declare ------------------------------------------------

run_wscheck plugins --json
expect_status 0 "wscheck plugins --json"

# One line per fact, tab-separated:
#   plugin NAME | check PLUGIN CHECK PARAM... | action NAME | modifier NAME
# and "error MESSAGE" when the steps' description no longer lists them.
cat >"$WSC_TMP/flatten.py" <<'PY'
import json, re, sys
doc = json.load(sys.stdin)
for plugin in doc["plugins"]:
    print("plugin\t" + plugin["name"])
    for check in plugin["checks"]:
        props = check["params"].get("properties", {})
        print("\t".join(["check", plugin["name"], check["name"]] + sorted(props)))
        steps = props.get("steps") if plugin["name"] == "ws-basic" else None
        if steps is None:
            continue
        m = re.search(r"one action: ([^()]+) \(modifiers: ([^)]+)\)",
                      steps.get("description", ""))
        if not m:
            print("error\tsteps: the description no longer lists the actions")
            continue
        for kind, names in (("action", m.group(1)), ("modifier", m.group(2))):
            for name in names.split(","):
                print(kind + "\t" + name.strip())
PY
printf '%s' "$out" >"$WSC_TMP/plugins.json"
if "$PY" "$WSC_TMP/flatten.py" <"$WSC_TMP/plugins.json" >"$WSC_TMP/facts" 2>"$WSC_TMP/flatten.err"; then
    ok "the plugin list parses"
else
    not_ok "the plugin list parses"
    diag <"$WSC_TMP/flatten.err"
fi

# Without this, a plugin that failed to load would simply not be checked.
plugins=$(awk -F'\t' '$1 == "plugin" { print $2 }' "$WSC_TMP/facts")
gone=$(printf '%s\n' "$plugins" | missing port http ws-basic ping-pong dev-toolkit crackerjack monitoring security)
if [ -z "$gone" ]; then ok "the shipped plugins are all loaded"
else not_ok "the shipped plugins are all loaded (missing: $gone)"; fi

# ---- every plugin, check and param is in the page ------------------------------

for plugin in $plugins; do
    if grep -qxF ".SH \"THE $plugin PLUGIN\"" "$PAGE"; then
        ok "plugin $plugin has its section"
    else
        not_ok "plugin $plugin has its section (.SH \"THE $plugin PLUGIN\")"
    fi
done

while IFS=$'\t' read -r kind plugin check params; do
    [ "$kind" = check ] || continue
    desc="$plugin.$check: documented with every param"
    if ! section SH "THE $plugin PLUGIN" <"$PAGE" | grep -qxF ".SS $plugin.$check"; then
        not_ok "$desc (no .SS $plugin.$check in the plugin's section)"
        continue
    fi
    # shellcheck disable=SC2086 # params are names, one word each
    absent=$(documented_params "$plugin" "$check" | missing $params)
    if [ -z "$absent" ]; then ok "$desc"
    else not_ok "$desc (missing: $absent)"; fi
done <"$WSC_TMP/facts"

# ---- the page documents nothing that does not exist --------------------------

checks=$(awk -F'\t' '$1 == "check" { print $2 "." $3 }' "$WSC_TMP/facts")
documented=$(sed -n 's/^\.SS "\{0,1\}\([a-z-]*\.[a-z_]*\)"\{0,1\}$/\1/p' "$PAGE")
# shellcheck disable=SC2086
stale=$(printf '%s\n' "$checks" | missing $documented)
if [ -n "$documented" ] && [ -z "$stale" ]; then
    ok "every check the page documents exists"
else
    not_ok "every check the page documents exists (unknown: ${stale:-no check documented})"
fi

# ---- conversation steps ----------------------------------------------------------

if grep -q '^error' "$WSC_TMP/facts"; then
    not_ok "$(awk -F'\t' '$1 == "error" { print $2; exit }' "$WSC_TMP/facts")"
fi
for kind in action modifier; do
    wanted=$(awk -F'\t' -v k="$kind" '$1 == k { print $2 }' "$WSC_TMP/facts")
    # shellcheck disable=SC2086
    absent=$(section SH "CONVERSATION STEPS" <"$PAGE" | items | missing $wanted)
    if [ -n "$wanted" ] && [ -z "$absent" ]; then
        ok "conversation steps: every ${kind} documented"
    else
        not_ok "conversation steps: every ${kind} documented (missing: ${absent:-none listed by the schema})"
    fi
done

# ---- the page renders cleanly ----------------------------------------------------

# ASCII only: special characters are written as groff escapes, so the page
# needs no preconv and renders the same in every locale.
if LC_ALL=C grep -n '[^[:print:][:space:]]' "$PAGE" >"$WSC_TMP/nonascii"; then
    not_ok "the page is plain ASCII"
    diag <"$WSC_TMP/nonascii"
else
    ok "the page is plain ASCII"
fi

if command -v groff >/dev/null 2>&1; then
    groff -man -Tutf8 -ww -z "$PAGE" >"$WSC_TMP/groff.out" 2>&1
    rc=$?
    if [ "$rc" -eq 0 ] && [ ! -s "$WSC_TMP/groff.out" ]; then
        ok "groff renders the page without warnings"
    else
        not_ok "groff renders the page without warnings (exit $rc)"
        diag <"$WSC_TMP/groff.out"
    fi
else
    ok "groff renders the page without warnings # SKIP groff is not installed"
fi

finish
