/* wscheck-mock: job id validation as crackerjack's input validator. */
#include "cj_ids.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include "timefmt.h"

#define LEGACY_MAX 50

static const char *const banned[] = {
    "union",   "select",  "insert",  "update",     "delete",      "drop",
    "create",  "alter",   "exec",    "execute",    "xp_cmdshell", "sp_executesql",
    "getattr", "setattr", "delattr", "__import__",
};

static bool pattern_ok(const char *id, size_t len)
{
    if (len == 0)
        return false;
    for (size_t i = 0; i < len; i++)
        if (!isalnum((unsigned char)id[i]) && id[i] != '_' && id[i] != '-')
            return false;
    return true;
}

/* int(s, 16) of Python: blanks around, a sign, an optional 0x, hex
 * digits with single underscores between them. */
static bool python_hex_int(const char *s)
{
    bool digit = false, under = false;

    while (isspace((unsigned char)*s))
        s++;
    if (*s == '+' || *s == '-')
        s++;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        s += 2;
        under = true; /* "0x_1" is allowed */
    }
    for (; *s && !isspace((unsigned char)*s); s++) {
        if (*s == '_' && (digit || under) && s[1] && isxdigit((unsigned char)s[1])) {
            under = false;
            continue;
        }
        if (!isxdigit((unsigned char)*s))
            return false;
        digit = true;
    }
    while (isspace((unsigned char)*s))
        s++;
    return digit && !*s;
}

static void remove_all(char *s, const char *what)
{
    size_t n = strlen(what);
    char *p;

    while ((p = strstr(s, what)))
        memmove(p, p + n, strlen(p + n) + 1);
}

/* uuid.UUID(id): "urn:" and "uuid:" removed, braces stripped from the
 * ends, hyphens removed; then 32 characters that int(..., 16) takes. */
static bool uuid_ok(const char *id, size_t len)
{
    char s[CJ_ID_MAX + 1], *start, *end;

    if (len > CJ_ID_MAX)
        return false;
    memcpy(s, id, len);
    s[len] = '\0';
    remove_all(s, "urn:");
    remove_all(s, "uuid:");
    for (start = s; *start == '{' || *start == '}'; start++)
        ;
    end = start + strlen(start);
    while (end > start && (end[-1] == '{' || end[-1] == '}'))
        *--end = '\0';
    remove_all(start, "-");
    return strlen(start) == 32 && python_hex_int(start);
}

/* Words are separated by "-" (and anything but letters, digits and
 * "_"): "a-update" has the word "update", "a_update" does not. */
static bool has_banned_word(const char *id, size_t len)
{
    size_t i = 0;

    while (i < len) {
        size_t j = i;

        while (j < len && (isalnum((unsigned char)id[j]) || id[j] == '_'))
            j++;
        for (size_t k = 0; k < sizeof(banned) / sizeof(*banned) && j > i; k++)
            if (strlen(banned[k]) == j - i && strncasecmp(id + i, banned[k], j - i) == 0)
                return true;
        if (j - i >= 10 && strncasecmp(id + i, "subprocess", 10) == 0)
            return true;
        i = j + 1;
    }
    return false;
}

bool cj_id_valid(const char *id, size_t len, bool legacy)
{
    bool only_sep = true;

    if (legacy)
        return len <= LEGACY_MAX && pattern_ok(id, len);
    if (len > CJ_ID_MAX || !(uuid_ok(id, len) || pattern_ok(id, len)))
        return false;
    for (size_t i = 0; i < len; i++)
        only_sep = only_sep && (id[i] == '-' || id[i] == '_');
    if (only_sep || memmem(id, len, "--", 2))
        return false;
    return !has_banned_word(id, len);
}

void cj_id_new(char out[9])
{
    unsigned char r[4];

    if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r)) {
        uint64_t t = (uint64_t)mock_mono_us() ^ (uint64_t)mock_wall_us();

        for (size_t i = 0; i < sizeof(r); i++)
            r[i] = (unsigned char)(t >> (8 * i));
    }
    snprintf(out, 9, "%02x%02x%02x%02x", r[0], r[1], r[2], r[3]);
}
