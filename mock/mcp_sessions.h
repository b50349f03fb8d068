/* wscheck-mock: MCP sessions.
 *
 * The table is bounded, and so is what one client (one remote address)
 * may hold of it: a client that opens session after session is refused
 * once it holds its share, and never takes the sessions of others. A
 * session unused for the idle timeout ends by itself; active sessions are
 * never evicted. */
#ifndef WSCHECK_MOCK_MCP_SESSIONS_H
#define WSCHECK_MOCK_MCP_SESSIONS_H

#include <stddef.h>
#include <stdint.h>

#define MCP_MAX_SESSIONS 1024
#define MCP_SESSION_ID_LEN 32
#define MCP_CLIENT_LEN 64 /* a remote address, as text */

struct mcp_session {
    char id[MCP_SESSION_ID_LEN + 1];
    char client[MCP_CLIENT_LEN];
    int64_t last_used; /* monotonic us */
    int log_level;     /* logging/setLevel; 0 (debug) sends all */
};

struct mcp_sessions {
    struct mcp_session s[MCP_MAX_SESSIONS];
    size_t count;
};

enum mcp_session_status {
    MCP_SESSION_OK,
    MCP_SESSION_CLIENT_FULL, /* the client holds per_client sessions */
    MCP_SESSION_TABLE_FULL,  /* MCP_MAX_SESSIONS, none of them idle */
    MCP_SESSION_ERROR,       /* no random bytes for an id */
};

/* Ends the sessions idle for idle_us or longer. */
void mcp_sessions_expire(struct mcp_sessions *t, int64_t now, int64_t idle_us);

/* A new session for client in *out. */
enum mcp_session_status mcp_sessions_new(struct mcp_sessions *t, const char *client,
                                         size_t per_client, struct mcp_session **out);

/* The session with this id (marked as used now), or NULL. */
struct mcp_session *mcp_sessions_use(struct mcp_sessions *t, const char *id, int64_t now);

/* How many sessions client holds. */
size_t mcp_sessions_of(const struct mcp_sessions *t, const char *client);

void mcp_sessions_delete(struct mcp_sessions *t, struct mcp_session *s);

#endif
