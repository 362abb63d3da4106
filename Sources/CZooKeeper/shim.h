#ifndef LOCKBENCH_CZOOKEEPER_SHIM_H
#define LOCKBENCH_CZOOKEEPER_SHIM_H
// The single-threaded ZooKeeper C client (Debian libzookeeper-st-dev 3.8, libzookeeper_st): the caller
// drives the I/O through zookeeper_interest/zookeeper_process, so every completion and watcher runs on
// the caller's thread. The _mt library runs its own I/O and completion threads, which would call back
// off the connection's serial queue and add two thread hops to every request.
#include <zookeeper/zookeeper.h>

// ZOO_OPEN_ACL_UNSAFE is a mutable C global: Swift 6 refuses to touch it from concurrent code, and the
// client only ever passes its address.
static inline struct ACL_vector *lockbench_zoo_open_acl(void) { return &ZOO_OPEN_ACL_UNSAFE; }
#endif
