#ifndef LOCKBENCH_CZLIB_SHIM_H
#define LOCKBENCH_CZLIB_SHIM_H
// zlib from /usr/include (zlib1g-dev; Scripts/bootstrap installs it): the DEFLATE stream inside
// HdrHistogram's compressed histogram encoding (what Java's Deflater and Python's zlib write).
#include <zlib.h>
#endif
