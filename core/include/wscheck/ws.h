/* placeholder until the WebSocket layer lands */
#ifndef WSCHECK_WS_H
#define WSCHECK_WS_H
#endif
