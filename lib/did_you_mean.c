/* "Did you mean" hints: the candidate nearest to a misspelt word. */
#include <ctype.h>
#include <stddef.h>
#include <string.h>

#include "wscheck/plugin.h"

/* Longer words are not compared: no name in a scenario is that long, and the
 * rows of the distance table stay on the stack. */
#define MAX_WORD 64

/* How many edits a word of this length may be away from a suggestion: none
 * for one or two letters (anything is near), more for longer words. */
static size_t max_distance(size_t len)
{
    if (len <= 2)
        return 0;
    if (len <= 5)
        return 1;
    if (len <= 9)
        return 2;
    return 3;
}

static size_t min3(size_t a, size_t b, size_t c)
{
    size_t m = a < b ? a : b;
    return m < c ? m : c;
}

/* Damerau-Levenshtein distance (optimal string alignment: insertions,
 * deletions, substitutions and transpositions of neighbours cost one each),
 * ignoring case. */
static size_t distance(const char *a, size_t na, const char *b, size_t nb)
{
    size_t rows[3][MAX_WORD + 1];
    size_t *prev2 = rows[0], *prev = rows[1], *cur = rows[2];
    for (size_t j = 0; j <= nb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= na; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= nb; j++) {
            int ca = tolower((unsigned char)a[i - 1]);
            int cb = tolower((unsigned char)b[j - 1]);
            size_t cost = ca != cb;
            cur[j] = min3(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
            if (i > 1 && j > 1 && ca == tolower((unsigned char)b[j - 2]) &&
                tolower((unsigned char)a[i - 2]) == cb && prev2[j - 2] + 1 < cur[j])
                cur[j] = prev2[j - 2] + 1;
        }
        size_t *t = prev2;
        prev2 = prev;
        prev = cur;
        cur = t;
    }
    return prev[nb];
}

/* Is word a good part of the start of candidate ("listen" for
 * "listening", not "retry" for "retry_delay")? */
static int is_prefix(const char *word, size_t n, const char *candidate)
{
    size_t nc = strlen(candidate);
    if (n < 3 || nc <= n || 2 * n < nc)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (tolower((unsigned char)word[i]) != tolower((unsigned char)candidate[i]))
            return 0;
    return 1;
}

const char *wsc_did_you_mean(const char *word, const char *const *candidates)
{
    const char *best = NULL, *prefix = NULL;
    size_t n = word ? strlen(word) : 0, best_d = 0;
    if (!word || !candidates || n == 0 || n > MAX_WORD)
        return NULL;
    for (size_t i = 0; candidates[i]; i++) {
        size_t nc = strlen(candidates[i]);
        if (nc > MAX_WORD)
            continue;
        if (!prefix && is_prefix(word, n, candidates[i]))
            prefix = candidates[i];
        size_t d = distance(word, n, candidates[i], nc);
        if (d <= max_distance(n) && (!best || d < best_d)) {
            best = candidates[i];
            best_d = d;
        }
    }
    return best ? best : prefix;
}
