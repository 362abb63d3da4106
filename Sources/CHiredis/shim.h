#ifndef LOCKBENCH_CHIREDIS_SHIM_H
#define LOCKBENCH_CHIREDIS_SHIM_H
// hiredis 0.14.1 (Debian libhiredis-dev). Swift cannot call the variadic entry points
// (redisAsyncCommand, redisCommand), so callers use the ...Argv and formatted ones.
#include <hiredis/hiredis.h>
#include <hiredis/async.h>
#include <hiredis/read.h>
#endif
