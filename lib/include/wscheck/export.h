/* Attributes of libwscheck's public declarations, shared by every header
 * so that each can be included on its own. */
#ifndef WSCHECK_EXPORT_H
#define WSCHECK_EXPORT_H

#if defined(__GNUC__)
/* Printf-style argument checking of a function's format string. */
#define WSC_PRINTF(f, a) __attribute__((format(printf, f, a)))
/* The library is built with hidden visibility: only what is marked with
 * this is exported (lib/symbols-in-versions lists it). */
#define WSC_EXPORT __attribute__((visibility("default")))
#else
#define WSC_PRINTF(f, a)
#define WSC_EXPORT
#endif

#endif
