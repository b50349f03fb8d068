#!/usr/bin/env bash
# monitoring plugin, dashboard_json on Grafana dashboard files: a good one
# (rows, collapsed rows, variables, mixed datasources) passes with its
# outputs; broken ones fail naming the file, the panel and the target.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/monitoring-stack.sh"

T=$WSC_TMP
FIX="$top_srcdir/tests/integration/fixtures/dashboards"
printf '{"title": "Not UTF-8 \xff", "panels": []}' >"$T/latin1.json"
printf '[1, 2]' >"$T/array.json"
: >"$T/empty.json"
printf '{"title": "Cut", "panels": [\n' >"$T/cut.json"
printf '{"title": "Twice", "panels": []}\n{}\n' >"$T/twice.json"

cat >"$T/dash.json" <<'JSON'
{
  "name": "dashboards",
  "defaults": { "timeout": 5 },
  "tests": [
    { "name": "good", "plugin": "monitoring", "check": "dashboard_json",
      "params": { "file": "${fix}/good.json",
                  "expect": { "title": "Exposition under test", "uid": "wscheck-good",
                              "panel_titles": ["Gauge", "Notes", "Requests over the window", "Mixed"],
                              "variables": { "$contains": "job" },
                              "panels": { "$contains": { "title": "Gauge",
                                  "targets": [ { "refId": "A" }, { "refId": "B" } ] } } } } },
    { "name": "title expected", "plugin": "monitoring", "check": "dashboard_json",
      "params": { "file": "${fix}/good.json", "expect": { "title": "Another" } } },
    { "name": "trailing comma", "plugin": "monitoring", "check": "dashboard_json",
      "params": { "file": "${fix}/bad-json.json" } },
    { "name": "not utf-8", "plugin": "monitoring", "check": "dashboard_json",
      "params": { "file": "${tmp}/latin1.json" } },
    { "name": "empty file", "plugin": "monitoring", "check": "dashboard_json",
      "params": { "file": "${tmp}/empty.json" } },
    { "name": "cut short", "plugin": "monitoring", "check": "dashboard_json",
      "params": { "file": "${tmp}/cut.json" } },
    { "name": "two values", "plugin": "monitoring", "check": "dashboard_json",
      "params": { "file": "${tmp}/twice.json" } },
    { "name": "not an object", "plugin": "monitoring", "check": "dashboard_json",
      "params": { "file": "${tmp}/array.json" } },
    { "name": "no title", "plugin": "monitoring", "check": "dashboard_json",
      "params": { "file": "${fix}/no-title.json" } },
    { "name": "no panels", "plugin": "monitoring", "check": "dashboard_json",
      "params": { "file": "${fix}/no-panels.json" } },
    { "name": "missing queries", "plugin": "monitoring", "check": "dashboard_json",
      "params": { "file": "${fix}/missing-expr.json" } },
    { "name": "query field given", "plugin": "monitoring", "check": "dashboard_json",
      "params": { "file": "${fix}/missing-expr.json",
                  "query_fields": { "prometheus": "legendFormat" } } },
    { "name": "undefined variable", "plugin": "monitoring", "check": "dashboard_json",
      "params": { "file": "${fix}/bad-expr.json" } },
    { "name": "variable given", "plugin": "monitoring", "check": "dashboard_json",
      "params": { "file": "${fix}/bad-expr.json", "variables": { "cluster": "eu" } } },
    { "name": "no file", "plugin": "monitoring", "check": "dashboard_json",
      "params": { "file": "${tmp}/nowhere.json" } }
  ]
}
JSON
run_wscheck run "$T/dash.json" --var "fix=$FIX" --var "tmp=$T" --json "$T/dash.out.json"
expect_status 1 "broken dashboards fail the run"
expect_result "$T/dash.out.json" "good" passed
expect_json "$T/dash.out.json" "m('good') == {'panels': 4, 'targets': 7}" \
    "dashboard_json counts panels (rows' panels included) and targets"
expect_json "$T/dash.out.json" "t['good'].get('warnings') in (None, [])" \
    "a text panel without queries is no warning"
expect_result "$T/dash.out.json" "title expected" failed \
    '/title: expected "Another", got "Exposition under test"'
expect_result "$T/dash.out.json" "trailing comma" failed \
    "$FIX/bad-json.json is not valid JSON: line 5, column 3: unexpected character"
expect_message "$T/dash.out.json" "not utf-8" "$T/latin1.json is not valid JSON: line 1, column 2[0-9]: "
expect_result "$T/dash.out.json" "empty file" failed \
    "$T/empty.json is not valid JSON: line 1, column 1: the file is empty"
expect_result "$T/dash.out.json" "cut short" failed \
    "$T/cut.json is not valid JSON: line 2, column 1: the file ends inside the JSON value"
expect_result "$T/dash.out.json" "two values" failed \
    "$T/twice.json is not valid JSON: line 2, column 1: unexpected character"
expect_result "$T/dash.out.json" "not an object" failed \
    "$T/array.json: a dashboard is a JSON object, not array"
expect_result "$T/dash.out.json" "no title" failed "the dashboard has no title"
expect_result "$T/dash.out.json" "no panels" failed \
    "the dashboard has no panels (panels is empty or missing)"
expect_result "$T/dash.out.json" "missing queries" failed \
    'panel "Latency" (/panels/1/panels/0) target B: no query (expr, for a prometheus datasource); panel "Unknown source" (/panels/2) target Q: no query expression (expr, query, rawSql, target or expression)'
expect_result "$T/dash.out.json" "query field given" failed \
    'panel "Fine" (/panels/0) target A: no query (legendFormat, for a prometheus datasource); panel "Latency" (/panels/1/panels/0) target A: no query (legendFormat, for a prometheus datasource); panel "Latency" (/panels/1/panels/0) target B: no query (legendFormat, for a prometheus datasource); panel "Unknown source" (/panels/2) target Q: no query expression (expr, query, rawSql, target or expression)'
expect_result "$T/dash.out.json" "undefined variable" failed \
    'panel "Undefined variable" (/panels/1) target A: $cluster is neither a variable of the dashboard nor given in variables'
expect_result "$T/dash.out.json" "variable given" passed
expect_result "$T/dash.out.json" "no file" failed \
    "cannot read $T/nowhere.json: No such file or directory"

cat >"$T/invalid.json" <<'JSON'
{
  "name": "invalid",
  "tests": [
    { "name": "bad variable", "plugin": "monitoring", "check": "dashboard_json",
      "params": { "file": "x.json", "variables": { "job": ["a"] },
                  "query_fields": { "loki": 1 } } }
  ]
}
JSON
run_wscheck validate "$T/invalid.json"
expect_status 2 "validate refuses variables and query_fields of the wrong type"
expect_match "params.variables.job: a variable's value is a string or a number" "$err" \
    "a variable's value is checked"
expect_match "params.query_fields.loki: the name of a target's member, a string" "$err" \
    "a query field is checked"

finish
