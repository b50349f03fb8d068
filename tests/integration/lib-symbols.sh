#!/usr/bin/env bash
# libwscheck's exported interface as a plugin author meets it: the shared
# library exports exactly the symbols lib/symbols-in-versions lists, each
# declared in an installed header; neither it nor a plugin needs libxml2
# (the runner's reports use it, checks do not); and wscheck.pc names the
# packages whose types the public headers show (CURL * in <wscheck/ws.h>).
. "$top_srcdir/tests/integration/lib.sh"

LIST=$top_srcdir/lib/symbols-in-versions
SO=$top_builddir/lib/.libs/libwscheck.so
PC=$top_builddir/wscheck.pc
T=$WSC_TMP

if [ ! -f "$SO" ]; then
    echo "1..0 # SKIP no shared libwscheck in this build (--disable-shared)"
    exit 0
fi

# Symbols the list says are exported now: its first column, unless the
# fourth (Removed) is filled in.
grep -v '^#' "$LIST" | awk 'NF && NF < 4 { print $1 }' | sort >"$T/listed"
# What the library defines, less what the linker itself adds to any .so.
nm -D --defined-only "$SO" | awk '{ print $NF }' |
    grep -Evx '_init|_fini|_edata|_end|__bss_start' | sort >"$T/exported"

check "lib/symbols-in-versions is readable and not empty" test -s "$T/listed"
check "libwscheck.so exports symbols" test -s "$T/exported"

unlisted=$(comm -23 "$T/exported" "$T/listed" | tr '\n' ' ')
if [ -z "$unlisted" ]; then ok "every exported symbol is in lib/symbols-in-versions"
else not_ok "libwscheck.so exports symbols lib/symbols-in-versions lacks: $unlisted"; fi

missing=$(comm -13 "$T/exported" "$T/listed" | tr '\n' ' ')
if [ -z "$missing" ]; then ok "every symbol in lib/symbols-in-versions is exported"
else not_ok "lib/symbols-in-versions lists symbols libwscheck.so does not export: $missing"; fi

dups=$(grep -v '^#' "$LIST" | awk 'NF { print $1 }' | sort | uniq -d | tr '\n' ' ')
if [ -z "$dups" ]; then ok "each symbol has one line in lib/symbols-in-versions"
else not_ok "lib/symbols-in-versions lists more than once: $dups"; fi

# A listed symbol must be declared where plugins can see it.
undeclared=""
while read -r sym; do
    grep -qw -- "$sym" "$top_srcdir"/lib/include/wscheck/*.h || undeclared="$undeclared $sym"
done <"$T/listed"
if [ -z "$undeclared" ]; then ok "every listed symbol is declared in an installed header"
else not_ok "listed but declared in no header under lib/include/wscheck:$undeclared"; fi

# ---- dependencies ------------------------------------------------------------
# needs FILE: the shared libraries FILE was linked against, one a line.
needs() { readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'; }

needs "$SO" >"$T/needed"
check "readelf lists what libwscheck.so needs" grep -q '^libc\.' "$T/needed"
if ! grep -q '^libxml2' "$T/needed"; then ok "libwscheck.so does not need libxml2"
else not_ok "libwscheck.so needs libxml2: $(tr '\n' ' ' <"$T/needed")"; fi

for so in "$top_builddir"/plugins/*/.libs/*.so; do
    name=${so##*/}
    if ! needs "$so" | grep -q '^libxml2'; then ok "plugin $name does not need libxml2"
    else not_ok "plugin $name needs libxml2"; fi
done

# ---- pkg-config --------------------------------------------------------------
# field NAME: the value of the NAME: line of wscheck.pc.
field() { sed -n "s/^$1:[[:space:]]*//p" "$PC"; }
requires=$(field Requires)
private=$(field Requires.private)
if [ "$requires" = "json-c libcurl" ]; then ok "wscheck.pc: Requires: json-c libcurl"
else not_ok "wscheck.pc: Requires is '$requires', expected 'json-c libcurl' (CURL * is in <wscheck/ws.h>)"; fi
if [ "$private" = "openssl" ]; then ok "wscheck.pc: Requires.private: openssl"
else not_ok "wscheck.pc: Requires.private is '$private', expected 'openssl'"; fi

finish
