/* The one table of upstream crackerjack bugs that a failure or a note can
 * name, so that a user learns at once whether a symptom is their
 * deployment or a known upstream version (the protocol notes, §1). */
#include "checks.h"

static const struct {
    enum cj_bug bug;
    const char *text;
} known_bugs[] = {
    {CJ_BUG_ROUTE_SPACES,
     "crackerjack v0.31.0–v0.31.10 registered the progress route with spaces, "
     "so every progress handshake gets 403 (fixed in v0.31.12)"},
    {CJ_BUG_PREFIX,
     "crackerjack v0.31.12 and later look for job files with the prefix "
     "\"job -\", so / lists no job and /latest says no_jobs although the "
     "file exists (the progress socket and get_job_progress still see it)"},
    {CJ_BUG_NO_PUSH,
     "crackerjack pushes a job file at most once (v0.31.0–v0.31.10) and never "
     "from v0.31.12: follow the job with \"reconnect\" or \"poll\""},
    {CJ_BUG_STAGE_STATUS,
     "every crackerjack from v0.31 to v0.46 lacks "
     "StateManager.get_stage_status, so this tool always answers an error"},
    {CJ_BUG_NEXT_ACTION, "crackerjack v0.31–v0.46 usually answer get_next_action with "
                         "\"Failed to determine next action\""},
    {CJ_BUG_NO_MESSAGE_COUNT,
     "crackerjack v0.31.0–v0.31.10 send the echo without message_count"},
    {CJ_BUG_SANITISED,
     "crackerjack v0.31.12 and later sanitise / and /latest (_security, "
     "masked URLs, [REDACTED_PATH]); only status and the counts are asserted"},
    {CJ_BUG_SOCKET_DROP,
     "crackerjack drops a progress socket with 1011 or without a close frame "
     "when the server raises (v0.31.12 and later), and closes it with 1000 "
     "after 25 s without a client frame"},
    {CJ_BUG_MONITOR_URL,
     "from v0.31.12 the /monitor page's script connects to "
     "ws://[INTERNAL_URL]/..., which does not work (only the page is checked)"},
};

const char *cj_known_bug(enum cj_bug bug)
{
    for (size_t i = 0; i < sizeof known_bugs / sizeof known_bugs[0]; i++)
        if (known_bugs[i].bug == bug)
            return known_bugs[i].text;
    return "";
}
