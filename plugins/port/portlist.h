/* Port lists for the port plugin: parsing the `port`/`ports` params
 * (numbers and "A-B" ranges) into a sorted set, and writing port lists back
 * compactly ("8675, 8678-8680") for messages. */
#ifndef WSC_PORT_PORTLIST_H
#define WSC_PORT_PORTLIST_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#define PORTLIST_MAX 65535u /* ports 1..65535, each at most once */

struct portlist {
    uint16_t *ports; /* ascending, no duplicates */
    size_t count;
};

/* Parses one entry given as text: "8675" or "8678-8680" (spaces around the
 * numbers and the dash are allowed). Sets *lo and *hi (equal for a single
 * port). Returns 0, or -1 with a message in err. */
int portlist_parse_spec(const char *spec, unsigned *lo, unsigned *hi, char *err,
                        size_t errlen);

/* Builds the set from the check's params: exactly one of `port` (an integer,
 * or a string holding one port) and `ports` (an array of integers and range
 * strings) must be present. Returns 0, or -1 with a message in err.
 * Release with portlist_free(). */
int portlist_from_params(struct json_object *params, struct portlist *out, char *err,
                         size_t errlen);

/* Parses a `ports` array alone. Same contract as portlist_from_params(). */
int portlist_from_array(struct json_object *array, struct portlist *out, char *err,
                        size_t errlen);

void portlist_free(struct portlist *list);

/* Writes ports compactly into a buffer, merging consecutive ports with the
 * same label (e.g. "refused") into ranges:
 *   "8676-8679 (refused), 8680 (timed out)".
 * Feed ports in ascending order with portgroup_add(), then call
 * portgroup_end(). At most `max_groups` groups are written; the ports beyond
 * them are counted and summarised as "and N more". The text is truncated,
 * never overflowed, when buf is too small. */
struct portgroup_writer {
    char *buf;
    size_t size;
    size_t len;
    unsigned max_groups;
    unsigned groups;   /* groups written */
    unsigned omitted;  /* ports beyond max_groups */
    unsigned lo, hi;   /* the open group; lo == 0: none */
    const char *label; /* its label, may be NULL */
};

void portgroup_init(struct portgroup_writer *w, char *buf, size_t size,
                    unsigned max_groups);
void portgroup_add(struct portgroup_writer *w, unsigned port, const char *label);
void portgroup_end(struct portgroup_writer *w);

#endif
