/* Scenario files: positions of JSON pointers in the text, and the collector
 * that reports every problem of a file in file order. */
#include "scenario_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "source_map.h"
#include "util.h"

/* "a, b, c". */
char *scn_join_list(const char *const *list)
{
    size_t len = 1;
    for (size_t i = 0; list[i]; i++)
        len += strlen(list[i]) + 2;
    char *out = malloc(len);
    if (!out)
        return NULL;
    out[0] = '\0';
    for (size_t i = 0; list[i]; i++) {
        if (i)
            strcat(out, ", ");
        strcat(out, list[i]);
    }
    return out;
}
/* ---- positions --------------------------------------------------------------- */

/* Cuts the last segment off a JSON pointer; 0 when there was none. */
static int pointer_parent(char *p)
{
    char *slash = strrchr(p, '/');
    if (!slash)
        return 0;
    *slash = '\0';
    return 1;
}

static int map_find(const struct wsc_source_map *map, const char *pointer, int at_key,
                    int *line, int *col)
{
    char *p;
    if (!map || !pointer)
        return -1;
    if (at_key && wsc_source_map_key(map, pointer, line, col) == 0)
        return 0;
    if (!(p = strdup(pointer)))
        return -1;
    do {
        if (wsc_source_map_value(map, p, line, col) == 0) {
            free(p);
            return 0;
        }
    } while (pointer_parent(p));
    free(p);
    return -1;
}

int scn_find_pos_in(const struct wsc_scenario *sc, const char *pointer, int at_key,
                    int *line, int *col, const char **file, size_t *rank)
{
    const struct scn_part *part = NULL;
    size_t rk = sc ? sc->n_parts : 0;
    *line = 1;
    *col = 1;
    *file = NULL;
    *rank = rk;
    if (!sc || !pointer)
        return -1;
    char *local = scn_part_pointer(sc, pointer, &part, &rk);
    *rank = rk;
    *file = part ? part->file : NULL;
    int rc =
        map_find(part ? part->pos : sc->pos, local ? local : pointer, at_key, line, col);
    free(local);
    return rc;
}

int scn_has_pos(const struct wsc_scenario *sc, const char *pointer)
{
    const struct scn_part *part = NULL;
    size_t rank;
    int line, col;
    char *local = scn_part_pointer(sc, pointer, &part, &rank);
    int rc =
        local ? wsc_source_map_value(part ? part->pos : sc->pos, local, &line, &col) : -1;
    free(local);
    return rc == 0;
}

int scn_find_pos(const struct wsc_scenario *sc, const char *pointer, int at_key,
                 int *line, int *col)
{
    const char *file;
    size_t rank;
    return scn_find_pos_in(sc, pointer, at_key, line, col, &file, &rank);
}

int wsc_scenario_pos(const struct wsc_scenario *sc, const char *pointer, int *line,
                     int *col)
{
    return scn_find_pos(sc, pointer, 0, line, col);
}

int wsc_scenario_key_pos(const struct wsc_scenario *sc, const char *pointer, int *line,
                         int *col)
{
    return scn_find_pos(sc, pointer, 1, line, col);
}

/* ---- problems ---------------------------------------------------------------- */

void scn_add_msg(struct scn_reporter *ld, int line, int col, char *text)
{
    scn_add_msg_in(ld, NULL, ld->sc ? ld->sc->n_parts : 0, line, col, text);
}

void scn_add_msg_in(struct scn_reporter *ld, const char *file, size_t rank, int line,
                    int col, char *text)
{
    ld->errors++;
    if (text && ld->n_msgs == ld->cap_msgs) {
        size_t cap = ld->cap_msgs ? ld->cap_msgs * 2 : 16;
        struct scn_msg *grown = realloc(ld->msgs, cap * sizeof *grown);
        if (grown) {
            ld->msgs = grown;
            ld->cap_msgs = cap;
        }
    }
    if (!text || ld->n_msgs == ld->cap_msgs) {
        wsc_diag_at(ld->diag, file ? file : ld->sc->file, line, col, "%s",
                    text ? text : "out of memory");
        free(text);
        return;
    }
    ld->msgs[ld->n_msgs] = (struct scn_msg){line, col, ld->n_msgs, text, file, rank};
    ld->n_msgs++;
}

static int msg_cmp(const void *a, const void *b)
{
    const struct scn_msg *x = a, *y = b;
    if (x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    if (x->col != y->col)
        return x->col < y->col ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void scn_take(struct scn_reporter *r, struct scn_reporter *from)
{
    for (size_t i = 0; i < from->n_msgs; i++) {
        struct scn_msg *m = &from->msgs[i];
        int errors = r->errors;
        scn_add_msg_in(r, m->file, m->rank, m->line, m->col, m->text);
        r->errors = errors; /* counted where they were found */
    }
    free(from->msgs);
    from->msgs = NULL;
    from->n_msgs = from->cap_msgs = 0;
}

void scn_discard(struct scn_reporter *r)
{
    for (size_t i = 0; i < r->n_msgs; i++)
        free(r->msgs[i].text);
    free(r->msgs);
    r->msgs = NULL;
    r->n_msgs = r->cap_msgs = 0;
}

void scn_flush(struct scn_reporter *ld)
{
    if (ld->n_msgs)
        qsort(ld->msgs, ld->n_msgs, sizeof *ld->msgs, msg_cmp);
    for (size_t i = 0; i < ld->n_msgs; i++) {
        wsc_diag_at(ld->diag, ld->msgs[i].file ? ld->msgs[i].file : ld->sc->file,
                    ld->msgs[i].line, ld->msgs[i].col, "%s", ld->msgs[i].text);
        free(ld->msgs[i].text);
    }
    free(ld->msgs);
    ld->msgs = NULL;
    ld->n_msgs = ld->cap_msgs = 0;
}

void scn_vcollect(struct scn_reporter *r, const char *pointer, int at_key,
                  const char *fmt, va_list ap)
{
    char *msg = wsc_strdup_vprintf(fmt, ap);
    int line, col;
    const char *file;
    size_t rank;
    scn_find_pos_in(r->sc, pointer, at_key, &line, &col, &file, &rank);
    scn_add_msg_in(r, file, rank, line, col, msg);
}

void scn_collect(struct scn_reporter *r, const char *pointer, int at_key, const char *fmt,
                 ...)
{
    va_list ap;
    va_start(ap, fmt);
    scn_vcollect(r, pointer, at_key, fmt, ap);
    va_end(ap);
}
