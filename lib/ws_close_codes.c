/* The one table of WebSocket close status codes (RFC 6455 section 7.4 and
 * the IANA "WebSocket Close Code Number Registry"): which codes may appear
 * in a close frame on the wire, and their names. Every check, and the
 * client itself when it reads the peer's close, asks this table. */
#include <wscheck/ws.h>

struct close_code {
    int code;
    const char *name;
};

/* The registered codes; 1004-1006 and 1015 are reserved and never sent. */
static const struct close_code registered[] = {
    {1000, "Normal Closure"},
    {1001, "Going Away"},
    {1002, "Protocol Error"},
    {1003, "Unsupported Data"},
    {1004, "Reserved"},
    {1005, "No Status Rcvd"},
    {1006, "Abnormal Closure"},
    {1007, "Invalid frame payload data"},
    {1008, "Policy Violation"},
    {1009, "Message Too Big"},
    {1010, "Mandatory Extension"},
    {1011, "Internal Error"},
    {1012, "Service Restart"},
    {1013, "Try Again Later"},
    {1014, "Bad Gateway"},
    {1015, "TLS handshake"},
};

int wsc_ws_close_code_valid(int code)
{
    return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) ||
           (code >= 3000 && code <= 4999);
}

const char *wsc_ws_close_code_name(int code)
{
    for (size_t i = 0; i < sizeof registered / sizeof registered[0]; i++)
        if (registered[i].code == code)
            return registered[i].name;
    if (code >= 3000 && code <= 3999)
        return "registered for libraries and frameworks";
    if (code >= 4000 && code <= 4999)
        return "private use";
    if (code >= 1016 && code <= 2999)
        return "unassigned, reserved for the protocol";
    return "outside the range of status codes";
}
