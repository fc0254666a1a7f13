// libmicrohttpd (Debian libmicrohttpd-dev). Imported only by the HTTPServer target.
//
// Swift cannot call C variadic functions, and MHD_start_daemon / MHD_get_daemon_info /
// MHD_get_connection_info / MHD_upgrade_action are variadic. These static inline wrappers give them fixed signatures;
// they are the only callers of those functions in the package.
#ifndef CMICROHTTPD_H
#define CMICROHTTPD_H

#include <stdint.h>
#include <stddef.h>
#include <sys/socket.h>
#include <microhttpd.h>

/// Options for cmhd_start_daemon, as one struct so new options do not change the signature.
typedef struct cmhd_options {
    unsigned int flags;                 // MHD_USE_* bit set
    uint16_t port;                      // 0 with `address` set: the port in `address` (0 = any)
    const struct sockaddr *address;     // bind address (sockaddr_in or sockaddr_in6), or NULL for any
    unsigned int thread_pool_size;      // worker threads (> 1 enables the pool)
    unsigned int connection_timeout_s;  // idle connection timeout, seconds (slow clients)
    unsigned int connection_limit;      // concurrent connections accepted
    size_t connection_memory_limit;     // bytes of per-connection buffer (headers + read buffer)
    unsigned int listen_backlog;        // listen(2) backlog
    unsigned int per_ip_connection_limit; // concurrent connections per client address (0 = no limit)
} cmhd_options;

static inline struct MHD_Daemon *cmhd_start_daemon(const cmhd_options *o,
                                                  MHD_AccessHandlerCallback handler, void *handler_cls,
                                                  MHD_RequestCompletedCallback completed, void *completed_cls) {
    return MHD_start_daemon(o->flags, o->port, NULL, NULL, handler, handler_cls,
                            MHD_OPTION_NOTIFY_COMPLETED, completed, completed_cls,
                            MHD_OPTION_SOCK_ADDR, o->address,
                            MHD_OPTION_THREAD_POOL_SIZE, o->thread_pool_size,
                            MHD_OPTION_CONNECTION_TIMEOUT, o->connection_timeout_s,
                            MHD_OPTION_CONNECTION_LIMIT, o->connection_limit,
                            MHD_OPTION_CONNECTION_MEMORY_LIMIT, o->connection_memory_limit,
                            MHD_OPTION_LISTEN_BACKLOG_SIZE, o->listen_backlog,
                            MHD_OPTION_PER_IP_CONNECTION_LIMIT, o->per_ip_connection_limit,
                            MHD_OPTION_END);
}

/// Closes an upgraded connection's socket (MHD_upgrade_action is variadic). Call exactly once.
static inline enum MHD_Result cmhd_upgrade_close(struct MHD_UpgradeResponseHandle *urh) {
    return MHD_upgrade_action(urh, MHD_UPGRADE_ACTION_CLOSE);
}

/// The port the daemon actually listens on (useful after binding port 0), or 0 if unknown.
static inline uint16_t cmhd_daemon_port(struct MHD_Daemon *daemon) {
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
    return info ? info->port : 0;
}

/// The peer's socket address of a connection, or NULL.
static inline const struct sockaddr *cmhd_client_address(struct MHD_Connection *connection) {
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    return info ? info->client_addr : NULL;
}

#endif
