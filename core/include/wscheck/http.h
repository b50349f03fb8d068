/* placeholder until the HTTP layer lands */
#ifndef WSCHECK_HTTP_H
#define WSCHECK_HTTP_H
#endif
