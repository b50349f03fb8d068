/* The security plugin: what a WebSocket endpoint must refuse (foreign
 * origins, missing or wrong credentials, actions a role may not perform)
 * and what it must still allow. */
#include "checks.h"
#include "checks_table.h"

/* Not formatted: schema text is laid out as the JSON it builds. */
/* clang-format off */
#define SEC_REFUSAL_PROPS                                                       \
    "\"refuse_statuses\":{\"type\":\"array\",\"items\":{\"type\":\"integer\","  \
    "\"minimum\":100,\"maximum\":599},\"default\":[401,403],\"description\":"  \
    "\"HTTP statuses of a refused upgrade that count as a refusal\"},"          \
    "\"refuse_close_codes\":{\"type\":\"array\",\"items\":{\"type\":"           \
    "[\"integer\",\"string\"]},\"default\":[1008,\"4001-4999\"],"              \
    "\"description\":\"Close codes (or \\\"FROM-TO\\\" ranges) that count as " \
    "a refusal when they come within close_within of the upgrade\"},"           \
    "\"close_within\":{\"type\":\"number\",\"minimum\":0,\"default\":1,"        \
    "\"description\":\"Seconds after the upgrade a refusing close may take; "   \
    "an upgrade still open then was accepted\"}"

#define SEC_SCHEMA(REQUIRED, EXTRA)                                             \
    "{\"type\":\"object\",\"required\":[\"url\"" REQUIRED "],"                  \
    "\"properties\":{" WSC_WS_OPTION_PROPS "," SEC_REFUSAL_PROPS "," EXTRA "}}"

static const char origin_schema[] = SEC_SCHEMA(",\"allowed_origins\"",
    "\"allowed_origins\":{\"type\":\"array\",\"items\":{\"type\":\"string\","
    "\"minLength\":1},\"description\":\"Origins that must be accepted\"},"
    "\"foreign_origins\":{\"type\":\"array\",\"items\":{\"type\":\"string\","
    "\"minLength\":1},\"default\":[\"https://evil.example\"],\"description\":"
    "\"Origins that must be refused (with the headers given: credentials in "
    "them make it the cross-site WebSocket hijacking case)\"},"
    "\"require_origin\":{\"type\":\"boolean\",\"default\":false,"
    "\"description\":\"An upgrade without Origin must be refused too\"}");

static const char authentication_schema[] = SEC_SCHEMA("",
    "\"mechanism\":{\"enum\":[\"bearer\",\"header\",\"query\",\"cookie\","
    "\"basic\",\"message\",\"subprotocol\"],\"default\":\"bearer\","
    "\"description\":\"How the credentials travel\"},"
    "\"token\":{\"type\":\"string\",\"minLength\":1,\"description\":"
    "\"The right token (a secret: never reported)\"},"
    "\"wrong_token\":{\"type\":\"string\",\"minLength\":1,\"description\":"
    "\"A wrong token (default: the token with a character changed)\"},"
    "\"username\":{\"type\":\"string\",\"description\":\"basic: the user\"},"
    "\"password\":{\"type\":\"string\",\"description\":"
    "\"basic: the right password (a secret)\"},"
    "\"name\":{\"type\":\"string\",\"minLength\":1,\"description\":"
    "\"header: the header (default X-Auth-Token); query and cookie: the "
    "parameter or cookie (default token); message: the login's member "
    "carrying the token (default token)\"},"
    "\"prefix\":{\"type\":\"string\",\"default\":\"\",\"description\":"
    "\"subprotocol: text before the token in the offered subprotocol\"},"
    "\"login\":{\"type\":\"object\",\"default\":{\"type\":\"auth\"},"
    "\"description\":\"message: the first message, the token added as member "
    "`name`\"},"
    "\"accept\":{\"description\":\"message: matcher on the answer that "
    "accepts the login, e.g. {\\\"type\\\": \\\"auth_ok\\\"} (without it, "
    "accepted means not closed within close_within)\"}");

static const char authorization_schema[] = SEC_SCHEMA(",\"denied\"",
    "\"denied\":{\"type\":\"array\",\"minItems\":1,\"items\":{\"type\":"
    "\"object\"},\"description\":\"Actions the role may not perform: "
    "{name, send} (a message) or {name, tool, arguments} (an MCP tool)\"},"
    "\"allowed\":{\"type\":\"array\",\"items\":{\"type\":\"object\"},"
    "\"default\":[],\"description\":\"Actions the role may perform: "
    "{name, send, expect} or {name, tool, arguments, expect}\"},"
    "\"error_match\":{\"description\":\"Matcher on an answer that refuses an "
    "action (default: a JSON object with an error member or type "
    "\\\"error\\\")\"},"
    "\"ignore\":{\"description\":\"Matcher on answers that decide nothing "
    "and are skipped, e.g. a welcome: {\\\"type\\\": \\\"welcome\\\"}\"},"
    "\"tool_refusal\":{\"enum\":[\"either\",\"rpc\",\"isError\"],"
    "\"default\":\"either\",\"description\":\"MCP tools: how a refused call "
    "must be answered: a JSON-RPC error, isError: true, or either\"},"
    "\"reply_within\":{\"type\":\"number\",\"minimum\":0,\"default\":2,"
    "\"description\":\"Seconds an action waits for its answer\"}");
/* clang-format on */

static const struct wsc_check checks[] = {
    {.name = "origin",
     .summary = "foreign Origins refused (credentials or not), allowed ones accepted",
     .params_schema = origin_schema,
     .run = sec_check_origin,
     .validate = sec_validate_origin,
     .flags = WSC_CHECK_CASES},
    {.name = "authentication",
     .summary = "no or wrong credentials refused, right ones accepted",
     .params_schema = authentication_schema,
     .run = sec_check_authentication,
     .validate = sec_validate_authentication,
     .flags = WSC_CHECK_CASES},
    {.name = "authorization",
     .summary = "a role's forbidden actions refused, its permitted ones served",
     .params_schema = authorization_schema,
     .run = sec_check_authorization,
     .validate = sec_validate_authorization,
     .flags = WSC_CHECK_CASES},
    SEC_HARDENING_CHECKS,
    {.name = NULL},
};

WSC_PLUGIN("security", "1.0.0",
           "WebSocket endpoints: origin, authentication, authorization, TLS, "
           "limits, input robustness, secrets in logs",
           checks);
