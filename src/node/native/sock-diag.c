/*
 * READ THIS FIRST — tcplens' optional native reader of TCP sockets through NETLINK_SOCK_DIAG.
 *
 * What it does: one dump of both families in a single walk of the socket tables (the older
 * TCPDIAG_GETSOCK request, which the kernel answers for AF_UNSPEC: send_request_both), or, where a
 * kernel refuses that, one SOCK_DIAG_BY_FAMILY dump (struct inet_diag_req_v2, NLM_F_DUMP) per
 * family, AF_INET then AF_INET6, exactly what `ss -tan` asks the kernel (iproute2 misc/ss.c,
 * sockdiag_send). The kernel answers with binary struct inet_diag_msg records
 * (net/ipv4/inet_diag.c: inet_sk_diag_fill, inet_twsk_diag_fill, inet_req_diag_fill), so no text
 * is generated and none parsed: the cost /proc/net/tcp pays in seq_printf is gone.
 *
 * fdSockets(dir) reads one /proc/PID/fd directory's socket links for the owner walk (`ss -p`'s
 * work) without a JavaScript string per fd; fdSocketsMany(dirs) reads several on a worker thread
 * (a promise), so the links are read while the caller decodes the dump.
 * Two dump entry points, each taking an optional network namespace file (`/run/netns/NAME`,
 * `/proc/PID/ns/net`; undefined: the caller's own):
 *   counts(ns?, states?)   -> Float64Array(16): sockets per kernel state code (idiag_state).
 *   records(withInfo, ns?, states?) -> ArrayBuffer of RECORD_SIZE-byte records (layout below), one per
 *                socket; the TS layer (sock-diag.ts) turns them into the SocketRecord shape
 *                parseProcNetTcp returns. `withInfo` asks for INET_DIAG_INFO (struct tcp_info, what
 *                `ss -i` asks), of which the three idle times are kept.
 * `states` (1 << TCP_* per state, like `ss state ...`) limits the dump to those states; the kernel
 * skips the others before filling a message, so leaving out ESTABLISHED on a big server costs a walk
 * past it instead of a record per socket.
 * Another namespace: a netlink socket answers for the namespace it was created in
 * (sock_net(skb->sk) in inet_diag_dump), and setns(CLONE_NEWNET) changes only the calling thread.
 * So a short-lived thread enters the namespace, creates the socket and exits; the dump itself runs
 * here. Nothing else of this process changes namespace. Needs CAP_SYS_ADMIN (EPERM otherwise).
 * Errors throw an Error whose `code` is the errno name (EPERM, EPROTONOSUPPORT, ...); the TS layer
 * catches every one and falls back to /proc.
 *
 * Rules this file keeps:
 * - Only sockets /proc/net/tcp[6] shows: idiag_states covers TCP_ESTABLISHED..TCP_NEW_SYN_RECV and
 *   leaves out TCP_BOUND_INACTIVE (bound-only sockets, which inet_diag can dump since 6.x but /proc
 *   never lists).
 * - Every message is checked: NLMSG_OK bounds, the sequence number and sender (the kernel, pid 0),
 *   NLMSG_ERROR (its errno is thrown), NLMSG_DONE (with the dump's own error, if any), a record
 *   shorter than struct inet_diag_msg, trailing bytes that are not a whole message, and MSG_TRUNC
 *   (a datagram bigger than our bounded buffer). A socket that vanishes mid-dump is simply absent.
 * - One fixed receive buffer (the kernel fills at most ~32 KiB per dump datagram, netlink_recvmsg
 *   caps max_recvmsg_len); the output grows by doubling up to a hard limit; the socket is closed
 *   and every allocation freed on every path.
 *
 * Record layout (native byte order, natural alignment; keep sock-diag.ts in step):
 *   0 u8 state   1 u8 family (4|6)   2 u8 timer (idiag_timer)   3 u8 unused
 *   4 u16 local port   6 u16 remote port          (host order)
 *   8 u32 rqueue  12 u32 wqueue  16 u32 timer expires (ms)  20 u32 retrans  24 u32 uid  28 u32 inode
 *  32 u8[16] local address  48 u8[16] remote address   (network order, IPv4 in the first 4 bytes)
 *  64 u32 cookie low  68 u32 cookie high   (idiag_cookie[0], [1]: the kernel's socket cookie, the
 *                                           same for the socket's whole life, TIME-WAIT included)
 *  72 u32 tcpi_last_data_sent  76 u32 tcpi_last_data_recv  80 u32 tcpi_last_ack_recv   (ms ago)
 *  84 u8 flags: bit 0 = the three above came from an INET_DIAG_INFO attribute (full sockets only:
 *                       inet_twsk_diag_fill and inet_req_diag_fill add none)   85..87 unused
 * For LISTEN, rqueue and wqueue are the accept queue and its limit (tcp_diag_get_info:
 * sk_ack_backlog, sk_max_ack_backlog), what `ss -ltn` prints as Recv-Q and Send-Q.
 */
#define _GNU_SOURCE
#include <node_api.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define RECORD_SIZE 88
#define RECORD_HAS_INFO 1
#define RECV_BUF_SIZE (64 * 1024)
/* 16 M sockets: far beyond any real host; a bound so a runaway dump cannot eat all memory. */
#define MAX_RECORDS (16u * 1024u * 1024u)
/* TCP_ESTABLISHED (1) .. TCP_NEW_SYN_RECV (12); not TCP_BOUND_INACTIVE (13). */
#define PROC_LIKE_STATES (((1u << 13) - 1) & ~1u)

typedef struct {
  uint8_t *data;
  size_t len; /* records */
  size_t cap; /* records */
} records_t;

typedef struct {
  double counts[16];
  records_t *out; /* NULL: counts only */
  bool with_info; /* ask for INET_DIAG_INFO */
  uint32_t states; /* idiag_states: 1 << TCP_* per state asked for; 0 = every state /proc lists */
} sink_t;

/* The end of the three idle times in struct tcp_info: an older, shorter tcp_info is not used. */
#define TCP_INFO_NEED (offsetof(struct tcp_info, tcpi_last_ack_recv) + sizeof(uint32_t))

/* `info`: the INET_DIAG_INFO payload when the message had one at least TCP_INFO_NEED long, else NULL. */
static int add_record(records_t *out, const struct inet_diag_msg *m, const uint8_t *info) {
  if (out->len == out->cap) {
    if (out->cap >= MAX_RECORDS) return -E2BIG;
    size_t cap = out->cap ? out->cap * 2 : 4096;
    uint8_t *p = realloc(out->data, cap * RECORD_SIZE);
    if (!p) return -ENOMEM;
    out->data = p;
    out->cap = cap;
  }
  uint8_t *r = out->data + out->len * RECORD_SIZE;
  memset(r, 0, RECORD_SIZE);
  r[0] = m->idiag_state;
  r[1] = m->idiag_family == AF_INET6 ? 6 : 4;
  r[2] = m->idiag_timer;
  uint16_t ports[2] = {ntohs(m->id.idiag_sport), ntohs(m->id.idiag_dport)};
  memcpy(r + 4, ports, sizeof ports);
  uint32_t words[6] = {m->idiag_rqueue, m->idiag_wqueue, m->idiag_expires, m->idiag_retrans, m->idiag_uid, m->idiag_inode};
  memcpy(r + 8, words, sizeof words);
  memcpy(r + 32, m->id.idiag_src, 16);
  memcpy(r + 48, m->id.idiag_dst, 16);
  uint32_t cookie[2] = {m->id.idiag_cookie[0], m->id.idiag_cookie[1]};
  memcpy(r + 64, cookie, sizeof cookie);
  if (info) {
    /* Copied field by field: the attribute payload is only 4-byte aligned, like the struct. */
    uint32_t idle[3];
    memcpy(&idle[0], info + offsetof(struct tcp_info, tcpi_last_data_sent), 4);
    memcpy(&idle[1], info + offsetof(struct tcp_info, tcpi_last_data_recv), 4);
    memcpy(&idle[2], info + offsetof(struct tcp_info, tcpi_last_ack_recv), 4);
    memcpy(r + 72, idle, sizeof idle);
    r[84] = RECORD_HAS_INFO;
  }
  out->len++;
  return 0;
}

static int send_all(int fd, const void *req, size_t len) {
  struct sockaddr_nl kernel;
  memset(&kernel, 0, sizeof kernel);
  kernel.nl_family = AF_NETLINK;
  for (;;) {
    ssize_t n = sendto(fd, req, len, 0, (struct sockaddr *)&kernel, sizeof kernel);
    if (n == (ssize_t)len) return 0;
    if (n < 0 && errno == EINTR) continue;
    return n < 0 ? -errno : -EIO;
  }
}

/* Extensions are asked by bit (1 << (attribute − 1)), as ss -i does (iproute2 misc/ss.c). */
static uint8_t ext_bits(bool with_info) {
  return with_info ? (uint8_t)(1u << (INET_DIAG_INFO - 1)) : 0;
}

/* One family's dump: SOCK_DIAG_BY_FAMILY with struct inet_diag_req_v2 (what ss sends). */
/*
 * The states to dump: the caller's mask within those /proc lists. The kernel tests each socket's
 * bit before filling a message for it (inet_diag_dump_icsk), so a state left out costs only the
 * walk past it, not a record.
 */
static uint32_t states_of(uint32_t asked) {
  return asked ? asked & PROC_LIKE_STATES : PROC_LIKE_STATES;
}

static int send_request(int fd, int family, uint32_t seq, bool with_info, uint32_t states) {
  struct {
    struct nlmsghdr nlh;
    struct inet_diag_req_v2 r;
  } req;
  memset(&req, 0, sizeof req);
  req.nlh.nlmsg_len = sizeof req;
  req.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
  req.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  req.nlh.nlmsg_seq = seq;
  req.r.sdiag_family = (uint8_t)family;
  req.r.sdiag_protocol = IPPROTO_TCP;
  req.r.idiag_states = states_of(states);
  req.r.idiag_ext = ext_bits(with_info);
  return send_all(fd, &req, sizeof req);
}

/*
 * Both families in one walk: the older TCPDIAG_GETSOCK request (struct inet_diag_req) is answered
 * by inet_diag_dump_compat with sdiag_family = AF_UNSPEC, so inet_diag_dump_icsk visits the socket
 * hash tables once and keeps IPv4 and IPv6 sockets alike, where two SOCK_DIAG_BY_FAMILY dumps walk
 * every bucket twice (each skipping the other family's sockets). Its answers carry the request's
 * type, TCPDIAG_GETSOCK, and the same struct inet_diag_msg.
 */
static int send_request_both(int fd, uint32_t seq, bool with_info, uint32_t states) {
  struct {
    struct nlmsghdr nlh;
    struct inet_diag_req r;
  } req;
  memset(&req, 0, sizeof req);
  req.nlh.nlmsg_len = sizeof req;
  req.nlh.nlmsg_type = TCPDIAG_GETSOCK;
  req.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  req.nlh.nlmsg_seq = seq;
  req.r.idiag_family = AF_INET;
  req.r.idiag_states = states_of(states);
  req.r.idiag_ext = ext_bits(with_info);
  return send_all(fd, &req, sizeof req);
}

/*
 * Walks one datagram of a dump: 1 when NLMSG_DONE ends it, 0 when more datagrams follow, or a
 * negative errno. Separate from the socket so tests can feed it hand-made datagrams (parseForTest).
 */
static int walk_datagram(const uint8_t *buf, int len, uint32_t seq, uint16_t type, sink_t *sink) {
  const struct nlmsghdr *h = (const struct nlmsghdr *)buf;
  for (; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
    if (h->nlmsg_seq != seq) continue;        /* a stale answer to an earlier request */
    if (h->nlmsg_type == NLMSG_DONE) {
      /* The dump's return value follows the header (netlink_dump_done); negative = it failed. */
      if (h->nlmsg_len >= NLMSG_LENGTH(sizeof(int))) {
        int v;
        memcpy(&v, NLMSG_DATA(h), sizeof v);
        if (v < 0) return v;
      }
      return 1;
    }
    if (h->nlmsg_type == NLMSG_ERROR) {
      if (h->nlmsg_len < NLMSG_LENGTH(sizeof(struct nlmsgerr))) return -EBADMSG;
      const struct nlmsgerr *e = (const struct nlmsgerr *)NLMSG_DATA(h);
      if (e->error < 0) return e->error;
      continue;                               /* error 0 is an ACK */
    }
    if (h->nlmsg_type != type) continue;
    if (h->nlmsg_len < NLMSG_LENGTH(sizeof(struct inet_diag_msg))) return -EBADMSG;
    const struct inet_diag_msg *m = (const struct inet_diag_msg *)NLMSG_DATA(h);
    sink->counts[m->idiag_state & 15] += 1;
    if (sink->out) {
      const uint8_t *info = NULL;
      /* Attributes follow the message (inet_sk_diag_fill); a malformed one ends the walk, not the dump. */
      int alen = (int)h->nlmsg_len - (int)NLMSG_LENGTH(NLMSG_ALIGN(sizeof(struct inet_diag_msg)));
      const struct rtattr *a = (const struct rtattr *)((const uint8_t *)m + NLMSG_ALIGN(sizeof(struct inet_diag_msg)));
      for (; alen > 0 && RTA_OK(a, alen); a = RTA_NEXT(a, alen)) {
        if (a->rta_type == INET_DIAG_INFO && RTA_PAYLOAD(a) >= TCP_INFO_NEED) info = (const uint8_t *)RTA_DATA(a);
      }
      int err = add_record(sink->out, m, info);
      if (err) return err;
    }
  }
  return len != 0 ? -EBADMSG : 0;             /* a partial message at the end of the datagram */
}

/*
 * One dump into `sink`: `family` AF_INET or AF_INET6, or AF_UNSPEC for both in one walk
 * (send_request_both). Returns 0, or a negative errno.
 */
static int dump_family(int fd, int family, uint32_t seq, sink_t *sink, uint8_t *buf) {
  int err = family == AF_UNSPEC ? send_request_both(fd, seq, sink->with_info, sink->states)
                                : send_request(fd, family, seq, sink->with_info, sink->states);
  if (err) return err;
  uint16_t type = family == AF_UNSPEC ? TCPDIAG_GETSOCK : SOCK_DIAG_BY_FAMILY;
  for (;;) {
    struct sockaddr_nl from;
    struct iovec iov = {buf, RECV_BUF_SIZE};
    struct msghdr msg;
    memset(&msg, 0, sizeof msg);
    msg.msg_name = &from;
    msg.msg_namelen = sizeof from;
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    ssize_t got = recvmsg(fd, &msg, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      return -errno;
    }
    if (got == 0) return -ENODATA;            /* the dump ended without NLMSG_DONE */
    if (msg.msg_flags & MSG_TRUNC) return -EMSGSIZE; /* bigger than our bounded buffer */
    if (from.nl_pid != 0) continue;           /* not from the kernel */
    int r = walk_datagram(buf, (int)got, seq, type, sink);
    if (r < 0) return r;
    if (r == 1) return 0;
  }
}

static int diag_socket(void) {
  int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
  return fd < 0 ? -errno : fd;
}

typedef struct {
  int ns_fd;
  int result; /* the netlink socket, or a negative errno */
} ns_socket_t;

/* Runs on its own thread: enter the namespace, make the socket there; the thread then ends. */
static void *ns_socket_thread(void *arg) {
  ns_socket_t *t = arg;
  t->result = setns(t->ns_fd, CLONE_NEWNET) < 0 ? -errno : diag_socket();
  return NULL;
}

/* A NETLINK_SOCK_DIAG socket of the namespace `ns_path` names (NULL: ours), or a negative errno. */
static int open_diag_socket(const char *ns_path) {
  if (!ns_path) return diag_socket();
  ns_socket_t t = {open(ns_path, O_RDONLY | O_CLOEXEC), -EIO};
  if (t.ns_fd < 0) return -errno;
  pthread_t th;
  int e = pthread_create(&th, NULL, ns_socket_thread, &t);
  if (e == 0) e = pthread_join(th, NULL);
  close(t.ns_fd);
  return e ? -e : t.result;
}

/* Both families. A kernel without IPv6 answers the AF_INET6 dump with ENOENT: like no tcp6 file. */
static int dump_all(sink_t *sink, const char *ns_path) {
  int fd = open_diag_socket(ns_path);
  if (fd < 0) return fd;
  /* Never a hang: a dump the kernel stops answering fails with EAGAIN, and /proc is read instead. */
  struct timeval tmo = {10, 0};
  if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tmo, sizeof tmo) < 0) {
    int e = -errno;
    close(fd);
    return e;
  }
  uint8_t *buf = malloc(RECV_BUF_SIZE);
  if (!buf) {
    close(fd);
    return -ENOMEM;
  }
  /*
   * Both families in one walk; a kernel that refuses the older request before answering anything
   * (built without it, or a policy that blocks it) gets the two per-family dumps ss sends.
   */
  sink_t empty = *sink;
  size_t had = sink->out ? sink->out->len : 0;
  int err = dump_family(fd, AF_UNSPEC, 3, sink, buf);
  if (err && (sink->out ? sink->out->len : 0) == had) {
    records_t *out = sink->out;
    *sink = empty;
    sink->out = out;
    err = dump_family(fd, AF_INET, 1, sink, buf);
    if (!err) {
      err = dump_family(fd, AF_INET6, 2, sink, buf);
      if (err == -ENOENT) err = 0;
    }
  }
  free(buf);
  close(fd);
  return err;
}

static const char *errno_name(int e) {
  switch (e) {
    case EPERM: return "EPERM";
    case EACCES: return "EACCES";
    case ENOENT: return "ENOENT";
    case EINVAL: return "EINVAL";
    case ENOMEM: return "ENOMEM";
    case E2BIG: return "E2BIG";
    case EBADMSG: return "EBADMSG";
    case EMSGSIZE: return "EMSGSIZE";
    case ENODATA: return "ENODATA";
    case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
    case EAFNOSUPPORT: return "EAFNOSUPPORT";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    case EAGAIN: return "EAGAIN";
    case EBADF: return "EBADF";
    case ESRCH: return "ESRCH";
    case ENOTDIR: return "ENOTDIR";
    default: return "EIO";
  }
}

static napi_value throw_errno(napi_env env, int neg) {
  char msg[128];
  snprintf(msg, sizeof msg, "sock_diag: %s", strerror(-neg));
  napi_throw_error(env, errno_name(-neg), msg);
  return NULL;
}

/* Argument `i` as a namespace path: undefined or null is ours (0 returned, *path NULL); else a string. */
static int ns_arg(napi_env env, napi_value *argv, size_t argc, size_t i, char *path, size_t cap, const char **out) {
  *out = NULL;
  if (argc <= i) return 0;
  napi_valuetype t;
  if (napi_typeof(env, argv[i], &t) != napi_ok) return -1;
  if (t == napi_undefined || t == napi_null) return 0;
  size_t n = 0;
  if (t != napi_string || napi_get_value_string_utf8(env, argv[i], path, cap, &n) != napi_ok || n == 0 || n >= cap - 1) {
    napi_throw_type_error(env, NULL, "namespace: a path such as /run/netns/NAME");
    return -1;
  }
  *out = path;
  return 0;
}

/* Argument `i` as a states mask (1 << TCP_* per state): undefined, null or 0 is every state. */
static int states_arg(napi_env env, napi_value *argv, size_t argc, size_t i, uint32_t *out) {
  *out = 0;
  if (argc <= i) return 0;
  napi_valuetype t;
  if (napi_typeof(env, argv[i], &t) != napi_ok) return -1;
  if (t == napi_undefined || t == napi_null) return 0;
  if (t != napi_number) {
    napi_throw_type_error(env, "EINVAL", "states mask must be a number");
    return -1;
  }
  return napi_get_value_uint32(env, argv[i], out) == napi_ok ? 0 : -1;
}

static napi_value js_counts(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  char path[4096];
  const char *ns = NULL;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if (ns_arg(env, argv, argc, 0, path, sizeof path, &ns)) return NULL;
  sink_t sink;
  memset(&sink, 0, sizeof sink);
  if (states_arg(env, argv, argc, 1, &sink.states)) return NULL;
  int err = dump_all(&sink, ns);
  if (err) return throw_errno(env, err);
  void *data;
  napi_value ab, arr;
  if (napi_create_arraybuffer(env, sizeof sink.counts, &data, &ab) != napi_ok) return NULL;
  memcpy(data, sink.counts, sizeof sink.counts);
  if (napi_create_typedarray(env, napi_float64_array, 16, ab, 0, &arr) != napi_ok) return NULL;
  return arr;
}

static void free_records(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  free(data);
}

static napi_value js_records(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  char path[4096];
  const char *ns = NULL;
  bool with_info = false;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if (argc > 0) {
    napi_valuetype t;
    if (napi_typeof(env, argv[0], &t) != napi_ok) return NULL;
    if (t == napi_boolean && napi_get_value_bool(env, argv[0], &with_info) != napi_ok) return NULL;
  }
  if (ns_arg(env, argv, argc, 1, path, sizeof path, &ns)) return NULL;
  records_t out = {NULL, 0, 0};
  sink_t sink;
  memset(&sink, 0, sizeof sink);
  sink.out = &out;
  sink.with_info = with_info;
  if (states_arg(env, argv, argc, 2, &sink.states)) return NULL;
  int err = dump_all(&sink, ns);
  if (err) {
    free(out.data);
    return throw_errno(env, err);
  }
  /*
   * The records are handed to JavaScript as they are (an external ArrayBuffer freed by the garbage
   * collector), not copied: a copy would hold a second 17 MB at 200,000 sockets. Trimmed first to
   * what was filled (the doubling may have reserved up to twice that).
   */
  napi_value ab;
  if (out.len == 0) {
    void *data;
    free(out.data);
    return napi_create_arraybuffer(env, 0, &data, &ab) == napi_ok ? ab : NULL;
  }
  uint8_t *trimmed = realloc(out.data, out.len * RECORD_SIZE);
  if (trimmed) out.data = trimmed;
  if (napi_create_external_arraybuffer(env, out.data, out.len * RECORD_SIZE, free_records, NULL, &ab) != napi_ok) {
    free(out.data);
    return NULL;
  }
  return ab;
}

/*
 * parseForTest(datagram: Uint8Array, seq: number): { status, counts, records } — walk_datagram over
 * bytes the test made: status is 1 (NLMSG_DONE), 0 (more to come) or a negative errno.
 */
static napi_value js_parse_for_test(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 2) {
    napi_throw_type_error(env, NULL, "parseForTest(datagram, seq)");
    return NULL;
  }
  void *data = NULL;
  size_t len = 0;
  bool is_ta = false;
  uint32_t seq = 0;
  if (napi_is_typedarray(env, argv[0], &is_ta) != napi_ok || !is_ta ||
      napi_get_typedarray_info(env, argv[0], NULL, &len, &data, NULL, NULL) != napi_ok ||
      napi_get_value_uint32(env, argv[1], &seq) != napi_ok || len > RECV_BUF_SIZE) {
    napi_throw_type_error(env, NULL, "parseForTest(datagram: Uint8Array up to 64 KiB, seq: number)");
    return NULL;
  }
  /* Copied into an aligned buffer, as recvmsg would have filled it. */
  uint8_t *buf = malloc(RECV_BUF_SIZE);
  if (!buf) return throw_errno(env, -ENOMEM);
  if (len > 0) memcpy(buf, data, len);
  records_t out = {NULL, 0, 0};
  sink_t sink;
  memset(&sink, 0, sizeof sink);
  sink.out = &out;
  int status = walk_datagram(buf, (int)len, seq, SOCK_DIAG_BY_FAMILY, &sink);
  free(buf);
  napi_value result, v, ab, counts;
  void *p;
  napi_create_object(env, &result);
  napi_create_int32(env, status, &v);
  napi_set_named_property(env, result, "status", v);
  napi_create_arraybuffer(env, sizeof sink.counts, &p, &ab);
  memcpy(p, sink.counts, sizeof sink.counts);
  napi_create_typedarray(env, napi_float64_array, 16, ab, 0, &counts);
  napi_set_named_property(env, result, "counts", counts);
  napi_create_arraybuffer(env, out.len * RECORD_SIZE, &p, &ab);
  if (out.len > 0) memcpy(p, out.data, out.len * RECORD_SIZE);
  free(out.data);
  napi_set_named_property(env, result, "records", ab);
  return result;
}

/*
 * The socket links of one `/proc/PID/fd` directory as pairs [fd, inode, fd, inode, ...] in a
 * malloc'd array (*out, *out_len doubles): what `ss -p` and lsof find by readlink of every entry.
 * Links that are not `socket:[N]`, and fds closed while we read, are skipped. Returns 0, or the
 * errno of a directory that cannot be opened (ENOENT/ESRCH: the process is gone; EACCES/EPERM: not
 * ours to read) or of a failed allocation. Touches no JavaScript value: it runs on worker threads.
 */
static int read_fd_dir(const char *dir_path, double **out, size_t *out_len) {
  *out = NULL;
  *out_len = 0;
  DIR *d = opendir(dir_path);
  if (!d) return errno;
  size_t cap = 256, len = 0;
  double *pairs = malloc(cap * sizeof(double));
  if (!pairs) {
    closedir(d);
    return ENOMEM;
  }
  int dfd = dirfd(d);
  struct dirent *ent;
  char link[64];
  static const char prefix[] = "socket:[";
  const size_t plen = sizeof prefix - 1;
  while ((ent = readdir(d)) != NULL) {
    if (ent->d_name[0] < '0' || ent->d_name[0] > '9') continue; /* "." and ".." */
    ssize_t got = readlinkat(dfd, ent->d_name, link, sizeof link - 1);
    if (got <= (ssize_t)plen + 1 || memcmp(link, prefix, plen) != 0 || link[got - 1] != ']') continue;
    double inode = 0, fd = 0;
    bool ok = true;
    for (ssize_t i = (ssize_t)plen; i < got - 1; i++) {
      if (link[i] < '0' || link[i] > '9') { ok = false; break; }
      inode = inode * 10 + (link[i] - '0');
    }
    for (const char *c = ent->d_name; *c; c++) fd = fd * 10 + (*c - '0');
    if (!ok) continue;
    if (len + 2 > cap) {
      double *p = realloc(pairs, cap * 2 * sizeof(double));
      if (!p) {
        free(pairs);
        closedir(d);
        return ENOMEM;
      }
      pairs = p;
      cap *= 2;
    }
    pairs[len++] = fd;
    pairs[len++] = inode;
  }
  closedir(d);
  *out = pairs;
  *out_len = len;
  return 0;
}

/* pairs as a new Float64Array (NULL with a pending exception on failure). */
static napi_value pairs_array(napi_env env, const double *pairs, size_t len) {
  void *data;
  napi_value ab, arr;
  napi_status st = napi_create_arraybuffer(env, len * sizeof(double), &data, &ab);
  if (st == napi_ok && len > 0) memcpy(data, pairs, len * sizeof(double));
  if (st != napi_ok || napi_create_typedarray(env, napi_float64_array, len, ab, 0, &arr) != napi_ok) return NULL;
  return arr;
}

/*
 * fdSockets(fdDir: string): Float64Array — one directory's socket links (read_fd_dir), without a
 * JavaScript string per fd; a directory that cannot be read throws with the errno's name as `code`.
 */
static napi_value js_fd_sockets(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  char dir_path[4096];
  size_t n = 0;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if (argc < 1 || napi_get_value_string_utf8(env, argv[0], dir_path, sizeof dir_path, &n) != napi_ok || n == 0 || n >= sizeof dir_path - 1) {
    napi_throw_type_error(env, NULL, "fdSockets(fdDir: string)");
    return NULL;
  }
  double *pairs;
  size_t len;
  int e = read_fd_dir(dir_path, &pairs, &len);
  if (e != 0) {
    char msg[128];
    snprintf(msg, sizeof msg, "fdSockets: %s", strerror(e));
    napi_throw_error(env, errno_name(e), msg);
    return NULL;
  }
  napi_value arr = pairs_array(env, pairs, len);
  free(pairs);
  return arr;
}

/*
 * fdSocketsMany(fdDirs: string[]): Promise<Array<Float64Array | string>> — read_fd_dir for each
 * directory on one of libuv's worker threads, so the links (a kernel readlink per fd: most of an
 * owner walk) are read while JavaScript goes on, e.g. decoding the socket dump. Each entry is the
 * directory's pairs, or the errno's name where it could not be read.
 */
typedef struct {
  char *path;
  double *pairs;
  size_t len;
  int err;
} fd_dir_job;

typedef struct {
  napi_async_work work;
  napi_deferred deferred;
  size_t n;
  fd_dir_job *dirs;
} fd_walk_job;

static void fd_walk_free(fd_walk_job *job) {
  for (size_t i = 0; i < job->n; i++) {
    free(job->dirs[i].path);
    free(job->dirs[i].pairs);
  }
  free(job->dirs);
  free(job);
}

static void fd_walk_execute(napi_env env, void *data) {
  (void)env;
  fd_walk_job *job = data;
  for (size_t i = 0; i < job->n; i++) job->dirs[i].err = read_fd_dir(job->dirs[i].path, &job->dirs[i].pairs, &job->dirs[i].len);
}

static void fd_walk_complete(napi_env env, napi_status status, void *data) {
  fd_walk_job *job = data;
  napi_value out = NULL;
  bool ok = status == napi_ok && napi_create_array_with_length(env, job->n, &out) == napi_ok;
  for (size_t i = 0; ok && i < job->n; i++) {
    napi_value v;
    if (job->dirs[i].err != 0) ok = napi_create_string_utf8(env, errno_name(job->dirs[i].err), NAPI_AUTO_LENGTH, &v) == napi_ok;
    else ok = (v = pairs_array(env, job->dirs[i].pairs, job->dirs[i].len)) != NULL;
    if (ok) ok = napi_set_element(env, out, (uint32_t)i, v) == napi_ok;
  }
  if (ok) {
    napi_resolve_deferred(env, job->deferred, out);
  } else {
    napi_value err, msg;
    bool pending = false;
    napi_is_exception_pending(env, &pending);
    if (pending) napi_get_and_clear_last_exception(env, &err);
    else {
      napi_create_string_utf8(env, "fdSocketsMany failed", NAPI_AUTO_LENGTH, &msg);
      napi_create_error(env, NULL, msg, &err);
    }
    napi_reject_deferred(env, job->deferred, err);
  }
  napi_delete_async_work(env, job->work);
  fd_walk_free(job);
}

static napi_value js_fd_sockets_many(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  bool is_array = false;
  uint32_t n = 0;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if (argc < 1 || napi_is_array(env, argv[0], &is_array) != napi_ok || !is_array || napi_get_array_length(env, argv[0], &n) != napi_ok) {
    napi_throw_type_error(env, NULL, "fdSocketsMany(fdDirs: string[])");
    return NULL;
  }
  fd_walk_job *job = calloc(1, sizeof *job);
  if (!job) return throw_errno(env, -ENOMEM);
  job->dirs = calloc(n ? n : 1, sizeof *job->dirs);
  if (!job->dirs) {
    free(job);
    return throw_errno(env, -ENOMEM);
  }
  job->n = n;
  for (uint32_t i = 0; i < n; i++) {
    napi_value el;
    size_t len = 0;
    if (napi_get_element(env, argv[0], i, &el) != napi_ok || napi_get_value_string_utf8(env, el, NULL, 0, &len) != napi_ok || len == 0 || len >= 4096) {
      fd_walk_free(job);
      napi_throw_type_error(env, NULL, "fdSocketsMany(fdDirs: string[])");
      return NULL;
    }
    job->dirs[i].path = malloc(len + 1);
    if (!job->dirs[i].path || napi_get_value_string_utf8(env, el, job->dirs[i].path, len + 1, &len) != napi_ok) {
      fd_walk_free(job);
      return throw_errno(env, -ENOMEM);
    }
  }
  napi_value promise, name;
  if (napi_create_promise(env, &job->deferred, &promise) != napi_ok ||
      napi_create_string_utf8(env, "tcplens:fdSocketsMany", NAPI_AUTO_LENGTH, &name) != napi_ok ||
      napi_create_async_work(env, NULL, name, fd_walk_execute, fd_walk_complete, job, &job->work) != napi_ok) {
    fd_walk_free(job);
    return NULL;
  }
  if (napi_queue_async_work(env, job->work) != napi_ok) {
    napi_delete_async_work(env, job->work);
    fd_walk_free(job);
    return NULL;
  }
  return promise;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_value fn, size;
  if (napi_create_function(env, "fdSockets", NAPI_AUTO_LENGTH, js_fd_sockets, NULL, &fn) != napi_ok) return NULL;
  if (napi_set_named_property(env, exports, "fdSockets", fn) != napi_ok) return NULL;
  if (napi_create_function(env, "fdSocketsMany", NAPI_AUTO_LENGTH, js_fd_sockets_many, NULL, &fn) != napi_ok) return NULL;
  if (napi_set_named_property(env, exports, "fdSocketsMany", fn) != napi_ok) return NULL;
  if (napi_create_function(env, "counts", NAPI_AUTO_LENGTH, js_counts, NULL, &fn) != napi_ok) return NULL;
  if (napi_set_named_property(env, exports, "counts", fn) != napi_ok) return NULL;
  if (napi_create_function(env, "records", NAPI_AUTO_LENGTH, js_records, NULL, &fn) != napi_ok) return NULL;
  if (napi_set_named_property(env, exports, "records", fn) != napi_ok) return NULL;
  if (napi_create_function(env, "parseForTest", NAPI_AUTO_LENGTH, js_parse_for_test, NULL, &fn) != napi_ok) return NULL;
  if (napi_set_named_property(env, exports, "parseForTest", fn) != napi_ok) return NULL;
  if (napi_create_uint32(env, RECORD_SIZE, &size) != napi_ok) return NULL;
  if (napi_set_named_property(env, exports, "recordSize", size) != napi_ok) return NULL;
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
