/* `wscheck report`: the times of results and of --since/--until. */
#include "report_model.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* "24h", "7d", "90m", "30s", "2w", "1.5h": that long before now. */
static int parse_relative(const char *text, double now, double *out)
{
    char *end;
    if (!isdigit((unsigned char)text[0]))
        return -1;
    double n = strtod(text, &end);
    static const char units[] = "smhdw";
    static const double seconds[] = {1, 60, 3600, 86400, 7 * 86400};
    const char *u = *end ? strchr(units, *end) : NULL;
    if (!u || end[1] || !isfinite(n))
        return -1;
    *out = now - n * seconds[u - units];
    return 0;
}

/* Digits only, exactly n of them, as a number. */
static int digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

/* ".123456" and "Z", "+02:00" or "-05:30" after the seconds. */
static int parse_fraction_and_zone(const char *p, double *frac, int *offset_s)
{
    *frac = 0;
    *offset_s = 0;
    if (*p == '.') {
        double scale = 0.1;
        if (!isdigit((unsigned char)p[1]))
            return -1;
        for (p++; isdigit((unsigned char)*p); p++, scale /= 10)
            *frac += (*p - '0') * scale;
    }
    if ((*p == 'Z' || *p == 'z') && !p[1])
        return 0;
    int hh, mm;
    if ((*p != '+' && *p != '-') || digits(p + 1, 2, &hh) || p[3] != ':' ||
        digits(p + 4, 2, &mm) || p[6] || hh > 23 || mm > 59)
        return -1;
    *offset_s = (*p == '-' ? -1 : 1) * (hh * 3600 + mm * 60);
    return 0;
}

static int parse_rfc3339(const char *s, double *out)
{
    struct tm tm = {0};
    int y, mo, d, h = 0, mi = 0, sec = 0, offset = 0;
    double frac = 0;
    if (digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) || s[7] != '-' ||
        digits(s + 8, 2, &d))
        return -1;
    if (s[10]) {
        if ((s[10] != 'T' && s[10] != 't' && s[10] != ' ') || digits(s + 11, 2, &h) ||
            s[13] != ':' || digits(s + 14, 2, &mi) || s[16] != ':' ||
            digits(s + 17, 2, &sec) ||
            parse_fraction_and_zone(s + 19, &frac, &offset) < 0)
            return -1;
    }
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
        return -1;
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec;
    time_t t = timegm(&tm);
    if (t == (time_t)-1)
        return -1;
    *out = (double)t + frac - offset;
    return 0;
}

int rep_parse_time(const char *text, double now, double *out)
{
    if (!text || !*text)
        return -1;
    if (parse_rfc3339(text, out) == 0)
        return 0;
    return isnan(now) ? -1 : parse_relative(text, now, out);
}

void rep_format_time(char *buf, size_t size, double t)
{
    time_t secs = (time_t)floor(t);
    struct tm tm;
    if (!gmtime_r(&secs, &tm) || !strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(buf, size, "?");
}
