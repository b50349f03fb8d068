/* wscheck-mock: the table of connected clients (see client_table.h). */
#include "client_table.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

/* Must be a power of two: hash_id masks with nbuckets - 1. */
#define CLIENT_TABLE_MIN_BUCKETS 1024

static uint64_t rng_state;

/* xorshift64*: ids only need to be unpredictable enough not to collide
 * across runs; the table checks uniqueness anyway. */
static uint32_t next_random(void)
{
    if (rng_state == 0) {
        if (getentropy(&rng_state, sizeof(rng_state)) != 0)
            rng_state = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
        if (rng_state == 0)
            rng_state = 0x9E3779B97F4A7C15ull;
    }
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 0x2545F4914F6CDD1Dull) >> 32);
}

static size_t hash_id(const char *id, size_t nbuckets)
{
    uint32_t h = 2166136261u;

    for (; *id; id++)
        h = (h ^ (unsigned char)*id) * 16777619u;
    return h & (nbuckets - 1);
}

int client_table_init(struct mock_client_table *t)
{
    memset(t, 0, sizeof(*t));
    t->buckets = calloc(CLIENT_TABLE_MIN_BUCKETS, sizeof(*t->buckets));
    if (!t->buckets)
        return -1;
    t->nbuckets = CLIENT_TABLE_MIN_BUCKETS;
    return 0;
}

void client_table_free(struct mock_client_table *t)
{
    free(t->buckets);
    memset(t, 0, sizeof(*t));
}

/* Doubles the hash table; on failure the old one keeps working, only with
 * longer chains. */
static void table_grow(struct mock_client_table *t)
{
    size_t n = t->nbuckets * 2;
    struct mock_client **b = calloc(n, sizeof(*b));

    if (!b)
        return;
    for (struct mock_client *c = t->head; c; c = c->next) {
        size_t h = hash_id(c->id, n);

        c->hnext = b[h];
        b[h] = c;
    }
    free(t->buckets);
    t->buckets = b;
    t->nbuckets = n;
}

struct mock_client *client_table_find(const struct mock_client_table *t, const char *id)
{
    struct mock_client *c;

    if (!id || strlen(id) != MOCK_CLIENT_ID_LEN)
        return NULL;
    for (c = t->buckets[hash_id(id, t->nbuckets)]; c; c = c->hnext)
        if (strcmp(c->id, id) == 0)
            return c;
    return NULL;
}

int client_table_add(struct mock_client_table *t, struct mock_client *c)
{
    size_t h;

    if (t->count >= t->nbuckets)
        table_grow(t);
    do {
        snprintf(c->id, sizeof(c->id), "%08x", next_random());
    } while (client_table_find(t, c->id));
    h = hash_id(c->id, t->nbuckets);
    c->hnext = t->buckets[h];
    t->buckets[h] = c;
    c->next = NULL;
    c->prev = t->tail;
    if (t->tail)
        t->tail->next = c;
    else
        t->head = c;
    t->tail = c;
    t->count++;
    c->in_table = true;
    return 0;
}

void client_table_remove(struct mock_client_table *t, struct mock_client *c)
{
    struct mock_client **pp;

    if (!c->in_table)
        return;
    for (pp = &t->buckets[hash_id(c->id, t->nbuckets)]; *pp; pp = &(*pp)->hnext) {
        if (*pp == c) {
            *pp = c->hnext;
            break;
        }
    }
    if (c->prev)
        c->prev->next = c->next;
    else
        t->head = c->next;
    if (c->next)
        c->next->prev = c->prev;
    else
        t->tail = c->prev;
    c->prev = c->next = c->hnext = NULL;
    c->in_table = false;
    t->count--;
}
