/* wscheck-mock: the MCP session table. */
#include "mcp_sessions.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "timefmt.h"

static int random_hex(char *out, size_t nbytes)
{
    unsigned char raw[MCP_SESSION_ID_LEN / 2];

    if (nbytes > sizeof(raw) || getentropy(raw, nbytes) != 0)
        return -1;
    for (size_t i = 0; i < nbytes; i++)
        snprintf(out + 2 * i, 3, "%02x", raw[i]);
    return 0;
}

void mcp_sessions_delete(struct mcp_sessions *t, struct mcp_session *s)
{
    *s = t->s[--t->count];
}

void mcp_sessions_expire(struct mcp_sessions *t, int64_t now, int64_t idle_us)
{
    size_t i = 0;

    while (i < t->count) {
        if (now - t->s[i].last_used < idle_us) {
            i++;
            continue;
        }
        mock_log(MOCK_LOG_INFO, "MCP session %s expired (idle)", t->s[i].id);
        mcp_sessions_delete(t, &t->s[i]); /* the last one moves to i */
    }
}

size_t mcp_sessions_of(const struct mcp_sessions *t, const char *client)
{
    size_t n = 0;

    for (size_t i = 0; i < t->count; i++)
        n += strcmp(t->s[i].client, client) == 0;
    return n;
}

enum mcp_session_status mcp_sessions_new(struct mcp_sessions *t, const char *client,
                                         size_t per_client, struct mcp_session **out)
{
    struct mcp_session *s;

    *out = NULL;
    if (mcp_sessions_of(t, client) >= per_client)
        return MCP_SESSION_CLIENT_FULL;
    if (t->count >= MCP_MAX_SESSIONS)
        return MCP_SESSION_TABLE_FULL;
    s = &t->s[t->count];
    if (random_hex(s->id, MCP_SESSION_ID_LEN / 2) != 0)
        return MCP_SESSION_ERROR;
    snprintf(s->client, sizeof(s->client), "%s", client);
    s->last_used = mock_mono_us();
    s->log_level = 0;
    t->count++;
    *out = s;
    return MCP_SESSION_OK;
}

struct mcp_session *mcp_sessions_use(struct mcp_sessions *t, const char *id, int64_t now)
{
    for (size_t i = 0; i < t->count; i++)
        if (strcmp(t->s[i].id, id) == 0) {
            t->s[i].last_used = now;
            return &t->s[i];
        }
    return NULL;
}
