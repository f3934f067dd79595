// Syscalls Node does not expose: the peer credentials of a Unix socket (SO_PEERCRED /
// getpeereid), flock(2) for the daemon's lock and shared appends, PR_SET_DUMPABLE,
// PR_SET_CHILD_SUBREAPER and waitpid(2) of one pid, tcgetpgrp, a terminal's echo mode and window
// size, and dup(2) with close-on-exec. And the masking rules' keyword scan (kwCompile, kwScan):
// a hot loop V8's regex engine runs 2-3x slower. And jsonText: recorded bytes to a ledger line in
// one pass, where UTF-8 decoding, JSON.stringify and encoding back cost 4x as much.
#define _GNU_SOURCE
#include <node_api.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#ifdef __linux__
#include <sys/syscall.h>
#endif
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#ifdef __APPLE__
#include <sys/ucred.h>
#include <sys/un.h>
#endif

static napi_value throw_errno(napi_env env, const char *syscall, int err) {
  char msg[160];
  snprintf(msg, sizeof msg, "%s failed: %s", syscall, strerror(err));
  const char *code = err == EBADF ? "EBADF" : err == ENOTSOCK ? "ENOTSOCK" : err == ENOTCONN ? "ENOTCONN" : "ESYSCALL";
  napi_throw_error(env, code, msg);
  return NULL;
}

static int read_fd(napi_env env, napi_callback_info info, size_t want, napi_value *argv, int32_t *fd) {
  size_t argc = want;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < want) {
    napi_throw_type_error(env, NULL, "missing arguments");
    return 0;
  }
  if (napi_get_value_int32(env, argv[0], fd) != napi_ok || *fd < 0) {
    napi_throw_type_error(env, NULL, "fd must be a non-negative integer");
    return 0;
  }
  return 1;
}

static void set_int(napi_env env, napi_value obj, const char *key, int64_t value) {
  napi_value v;
  napi_create_int64(env, value, &v);
  napi_set_named_property(env, obj, key, v);
}

// peerCred(fd) -> { uid, gid, pid }   (pid is -1 where the platform cannot tell)
static napi_value peer_cred(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  int32_t fd;
  if (!read_fd(env, info, 1, argv, &fd)) return NULL;
  int64_t uid, gid, pid = -1;
#ifdef __linux__
  struct ucred cred;
  socklen_t len = sizeof cred;
  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) return throw_errno(env, "getsockopt(SO_PEERCRED)", errno);
  uid = cred.uid; gid = cred.gid; pid = cred.pid;
#else
  uid_t u; gid_t g;
  if (getpeereid(fd, &u, &g) != 0) return throw_errno(env, "getpeereid", errno);
  uid = u; gid = g;
#ifdef LOCAL_PEERPID
  pid_t p; socklen_t plen = sizeof p;
  if (getsockopt(fd, SOL_LOCAL, LOCAL_PEERPID, &p, &plen) == 0) pid = p;
#endif
#endif
  napi_value out;
  napi_create_object(env, &out);
  set_int(env, out, "uid", uid);
  set_int(env, out, "gid", gid);
  set_int(env, out, "pid", pid);
  return out;
}

// flock(fd, exclusive) -> true when taken, false when another open file holds it.
// Never blocks: a daemon that cannot lock must say so, not wait.
static napi_value try_flock(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t fd;
  if (!read_fd(env, info, 2, argv, &fd)) return NULL;
  bool exclusive = true;
  napi_get_value_bool(env, argv[1], &exclusive);
  int rc;
  do { rc = flock(fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB); } while (rc != 0 && errno == EINTR);
  if (rc != 0 && errno != EWOULDBLOCK) return throw_errno(env, "flock", errno);
  napi_value out;
  napi_get_boolean(env, rc == 0, &out);
  return out;
}

// funlock(fd): drops a flock taken with tryFlock while keeping the file open.
static napi_value funlock(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  int32_t fd;
  if (!read_fd(env, info, 1, argv, &fd)) return NULL;
  int rc;
  do { rc = flock(fd, LOCK_UN); } while (rc != 0 && errno == EINTR);
  if (rc != 0) return throw_errno(env, "flock(LOCK_UN)", errno);
  return NULL;
}

// noCoreDumps(): PR_SET_DUMPABLE 0 — no core file, and no same-uid ptrace or /proc/<pid>/mem, for
// a process that holds secrets in ordinary (V8) memory.
static napi_value no_core_dumps(napi_env env, napi_callback_info info) {
  (void)info;
#ifdef __linux__
  if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) return throw_errno(env, "prctl(PR_SET_DUMPABLE)", errno);
#else
  (void)env;
#endif
  return NULL;
}

// childSubreaper() -> whether it took effect: orphaned descendants are re-parented to this process
// (PR_SET_CHILD_SUBREAPER) instead of init, so their parent chain still leads here. Linux only.
static napi_value child_subreaper(napi_env env, napi_callback_info info) {
  (void)info;
  bool on = false;
#ifdef __linux__
  if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0) return throw_errno(env, "prctl(PR_SET_CHILD_SUBREAPER)", errno);
  on = true;
#endif
  napi_value out;
  napi_get_boolean(env, on, &out);
  return out;
}

// reapChild(pid) -> true when that child had exited and is now reaped, false when it still runs.
// One pid only, never waitpid(-1): libuv and node-pty reap the children they spawned themselves.
static napi_value reap_child(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t pid;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 || napi_get_value_int32(env, argv[0], &pid) != napi_ok || pid <= 0) {
    napi_throw_type_error(env, NULL, "pid must be a positive integer");
    return NULL;
  }
  int status, rc;
  do { rc = waitpid(pid, &status, WNOHANG); } while (rc < 0 && errno == EINTR);
  if (rc < 0) return throw_errno(env, "waitpid", errno);
  napi_value out;
  napi_get_boolean(env, rc == pid, &out);
  return out;
}

// isForeground(fd) -> whether this process group is the terminal's foreground group; reading
// from a terminal in the background would stop the process (SIGTTIN) instead of failing.
static napi_value is_foreground(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  int32_t fd;
  if (!read_fd(env, info, 1, argv, &fd)) return NULL;
  napi_value out;
  napi_get_boolean(env, tcgetpgrp(fd) == getpgrp(), &out);
  return out;
}

// ttyHidesInput(fd) -> whether the terminal on fd (a PTY master reads its slave's settings) is
// at a password prompt: line editing by the kernel (ICANON) with echo off. Programs that edit
// lines themselves (readline, vim, agent TUIs) turn both off and echo what is typed.
static napi_value tty_hides_input(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  int32_t fd;
  if (!read_fd(env, info, 1, argv, &fd)) return NULL;
  struct termios t;
  if (tcgetattr(fd, &t) != 0) return throw_errno(env, "tcgetattr", errno);
  napi_value out;
  napi_get_boolean(env, (t.c_lflag & ICANON) != 0 && (t.c_lflag & ECHO) == 0, &out);
  return out;
}

// dupCloexec(fd) -> a new descriptor for the same open file, closed on exec: lets the daemon keep
// a PTY master open, and read it, independently of node-pty's own handle.
static napi_value dup_cloexec(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  int32_t fd;
  if (!read_fd(env, info, 1, argv, &fd)) return NULL;
  int copy = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (copy < 0) return throw_errno(env, "fcntl(F_DUPFD_CLOEXEC)", errno);
  napi_value out;
  napi_create_int32(env, copy, &out);
  return out;
}

// setWinsize(fd, cols, rows): TIOCSWINSZ on a PTY master; the kernel sends SIGWINCH to the
// terminal's foreground process group.
static napi_value set_winsize(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  int32_t fd, cols, rows;
  if (!read_fd(env, info, 3, argv, &fd)) return NULL;
  if (napi_get_value_int32(env, argv[1], &cols) != napi_ok || napi_get_value_int32(env, argv[2], &rows) != napi_ok || cols < 1 ||
      rows < 1 || cols > 65535 || rows > 65535) {
    napi_throw_type_error(env, NULL, "cols and rows must be integers from 1 to 65535");
    return NULL;
  }
  struct winsize ws = {.ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols};
  if (ioctl(fd, TIOCSWINSZ, &ws) != 0) return throw_errno(env, "ioctl(TIOCSWINSZ)", errno);
  return NULL;
}

// niceThread(n): lowers the calling thread's scheduling priority (Linux: per thread; elsewhere a
// no-op). The screen worker runs at low priority so emulation never takes the CPU from the
// programs being recorded or from the daemon's main thread.
static napi_value nice_thread(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t n;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 || napi_get_value_int32(env, argv[0], &n) != napi_ok) {
    napi_throw_type_error(env, NULL, "niceness must be an integer");
    return NULL;
  }
#ifdef __linux__
  if (setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), n) != 0) return throw_errno(env, "setpriority", errno);
#endif
  return NULL;
}


// The masking rules' keywords (literal, ASCII, 2 chars or more), indexed by their first two
// bytes: a scan looks up each position's two bytes in one table and compares only the keywords
// that start with them. Built once per rule set; read-only after, so threads may share it.
typedef struct {
  uint16_t bucket_of[65536]; // first two bytes -> 1 + bucket; 0: no keyword starts so
  int32_t *bucket_start;     // bucket b's keyword ids: ids[bucket_start[b] .. bucket_start[b + 1])
  int32_t *ids;              // longest first within a bucket
  unsigned char **kw;
  int32_t *kw_len;
  int32_t count;
  int32_t widest;            // the most keywords one bucket holds
} kwset;

static void kw_free(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  kwset *s = data;
  for (int32_t i = 0; i < s->count; i++) free(s->kw[i]);
  free(s->kw);
  free(s->kw_len);
  free(s->ids);
  free(s->bucket_start);
  free(s);
}

// kwCompile(keywords: string[]) -> an opaque set for kwScan. Throws on a keyword that is not
// 2-255 ASCII chars.
static napi_value kw_compile(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  uint32_t n;
  bool is_array = false;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 || napi_is_array(env, argv[0], &is_array) != napi_ok || !is_array ||
      napi_get_array_length(env, argv[0], &n) != napi_ok || n > 65535) {
    napi_throw_type_error(env, NULL, "keywords must be an array of at most 65535 strings");
    return NULL;
  }
  kwset *s = calloc(1, sizeof *s);
  int32_t *first = calloc(n ? n : 1, sizeof *first);
  int32_t *per_bucket = calloc(65536, sizeof *per_bucket);
  if (!s || !first || !per_bucket || !(s->kw = calloc(n ? n : 1, sizeof *s->kw)) || !(s->kw_len = calloc(n ? n : 1, sizeof *s->kw_len))) goto oom;
  for (uint32_t i = 0; i < n; i++) {
    napi_value v;
    size_t len = 0;
    if (napi_get_element(env, argv[0], i, &v) != napi_ok || napi_get_value_string_utf8(env, v, NULL, 0, &len) != napi_ok || len < 2 || len > 255) goto bad;
    if (!(s->kw[i] = malloc(len + 1))) goto oom;
    s->count = (int32_t)i + 1;
    napi_get_value_string_utf8(env, v, (char *)s->kw[i], len + 1, &len);
    for (size_t j = 0; j < len; j++)
      if (s->kw[i][j] >= 0x80) goto bad; // UTF-8 of a non-ASCII char; ASCII is the same in latin1, what kwScan reads
    s->kw_len[i] = (int32_t)len;
    first[i] = (s->kw[i][0] << 8) | s->kw[i][1];
    per_bucket[first[i]]++;
  }
  int32_t buckets = 0;
  for (int b = 0; b < 65536; b++)
    if (per_bucket[b]) s->bucket_of[b] = (uint16_t)++buckets;
  if (!(s->bucket_start = calloc((size_t)buckets + 1, sizeof *s->bucket_start)) || !(s->ids = calloc(n ? n : 1, sizeof *s->ids))) goto oom;
  int32_t at = 0;
  for (int b = 0; b < 65536; b++) {
    if (!per_bucket[b]) continue;
    s->bucket_start[s->bucket_of[b] - 1] = at;
    at += per_bucket[b];
    if (per_bucket[b] > s->widest) s->widest = per_bucket[b];
  }
  s->bucket_start[buckets] = at;
  for (uint32_t i = 0; i < n; i++) s->ids[s->bucket_start[s->bucket_of[first[i]] - 1] + --per_bucket[first[i]]] = (int32_t)i;
  for (int32_t b = 0; b < buckets; b++) { // longest first, by insertion: a bucket holds a few keywords
    for (int32_t j = s->bucket_start[b] + 1; j < s->bucket_start[b + 1]; j++) {
      int32_t id = s->ids[j], k = j;
      while (k > s->bucket_start[b] && s->kw_len[s->ids[k - 1]] < s->kw_len[id]) {
        s->ids[k] = s->ids[k - 1];
        k--;
      }
      s->ids[k] = id;
    }
  }
  free(first);
  free(per_bucket);
  napi_value ext;
  if (napi_create_external(env, s, kw_free, NULL, &ext) != napi_ok) {
    kw_free(env, s, NULL);
    return NULL;
  }
  return ext;
bad:
  free(first);
  free(per_bucket);
  kw_free(env, s, NULL);
  napi_throw_type_error(env, NULL, "each keyword must be 2 to 255 ASCII chars");
  return NULL;
oom:
  free(first);
  free(per_bucket);
  if (s) kw_free(env, s, NULL);
  napi_throw_error(env, "ENOMEM", "out of memory");
  return NULL;
}

// kwScan(set, text, out: Int32Array, from): every keyword occurrence in text from position `from`
// on, in text order, each as [position, keyword index] from out[2] on, all keywords matching at a
// position longest first. out[0] = pairs written; out[1] = the position to scan from next when
// out filled up, else -1. The text is read as latin1 (one byte per UTF-16 unit, so positions are
// the string's): a char above U+00FF comes out as its low byte, so callers check each keyword
// found against the string.
static napi_value kw_scan(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  kwset *s;
  napi_typedarray_type type;
  size_t cap, len;
  void *data;
  int32_t from;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 4 || napi_get_value_external(env, argv[0], (void **)&s) != napi_ok ||
      napi_get_typedarray_info(env, argv[2], &type, &cap, &data, NULL, NULL) != napi_ok || type != napi_int32_array ||
      napi_get_value_int32(env, argv[3], &from) != napi_ok || from < 0 || napi_get_value_string_latin1(env, argv[1], NULL, 0, &len) != napi_ok) {
    napi_throw_type_error(env, NULL, "kwScan(set, text, Int32Array, from)");
    return NULL;
  }
  int32_t *out = data;
  if (cap < 2 + 2 * (size_t)s->widest) {
    napi_throw_range_error(env, NULL, "the output array is too small for this keyword set");
    return NULL;
  }
  unsigned char small[8192];
  unsigned char *text = len < sizeof small ? small : malloc(len + 1);
  if (!text) {
    napi_throw_error(env, "ENOMEM", "out of memory");
    return NULL;
  }
  napi_get_value_string_latin1(env, argv[1], (char *)text, len + 1, &len);
  size_t w = 2;
  int32_t next = -1;
  for (size_t i = (size_t)from; i + 1 < len; i++) {
    uint16_t b = s->bucket_of[(text[i] << 8) | text[i + 1]];
    if (!b) continue;
    if (w + 2 * (size_t)s->widest > cap) { // a position's keywords are never split between calls
      next = (int32_t)i;
      break;
    }
    for (int32_t j = s->bucket_start[b - 1]; j < s->bucket_start[b]; j++) {
      int32_t id = s->ids[j];
      size_t kl = (size_t)s->kw_len[id];
      if (kl <= len - i && memcmp(text + i, s->kw[id], kl) == 0) {
        out[w++] = (int32_t)i;
        out[w++] = id;
      }
    }
  }
  if (text != small) free(text);
  out[0] = (int32_t)((w - 2) / 2);
  out[1] = next;
  return NULL;
}

// The length of the valid UTF-8 sequence at p (1-4), or 0 when it is not one (WHATWG's decoder:
// no overlong forms, no surrogates, nothing above U+10FFFF, no sequence cut short by the end).
static size_t utf8_seq(const unsigned char *p, const unsigned char *end) {
  unsigned char c = p[0];
  if (c < 0x80) return 1;
  size_t n = end - p;
  if (c >= 0xc2 && c <= 0xdf) return n >= 2 && (p[1] & 0xc0) == 0x80 ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) {
    if (n < 3 || (p[2] & 0xc0) != 0x80) return 0;
    unsigned char lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;
    return p[1] >= lo && p[1] <= hi ? 3 : 0;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    if (n < 4 || (p[2] & 0xc0) != 0x80 || (p[3] & 0xc0) != 0x80) return 0;
    unsigned char lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;
    return p[1] >= lo && p[1] <= hi ? 4 : 0;
  }
  return 0;
}

// For each byte: how many bytes JSON.stringify adds escaping it (1 for \" \\ \n and the like, 5 for
// \u00XX), PLAIN for ASCII written as it is, MULTI for the first byte of a UTF-8 sequence or
// one that is not valid UTF-8.
#define PLAIN 0
#define MULTI 0xff
static unsigned char json_extra[256];
/** Whether none of the 8 bytes at p needs a look: no control char, quote, backslash or byte >= 0x80. */
static inline int plain8(const unsigned char *p) {
  uint64_t x;
  memcpy(&x, p, 8);
  const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
  uint64_t q = x ^ (ones * '"'), b = x ^ (ones * '\\');
  // Per lane: (v - 1) & ~v has the high bit when v was 0; (x - 0x20) & ~x when x was below 0x20.
  return ((((x - ones * 0x20) & ~x) | ((q - ones) & ~q) | ((b - ones) & ~b) | x) & high) == 0;
}
static void json_extra_init(void) {
  for (int c = 0; c < 256; c++) json_extra[c] = c >= 0x80 ? MULTI : c < 0x20 ? 5 : PLAIN;
  json_extra['"'] = json_extra['\\'] = json_extra['\b'] = json_extra['\t'] = json_extra['\n'] = json_extra['\f'] = json_extra['\r'] = 1;
}

// jsonText(bytes, head, tail): a Buffer holding head, the bytes as a JSON string literal (exactly
// as JSON.stringify writes the string they decode to), and tail; null when the bytes are not
// valid UTF-8. head and tail are written as UTF-8. A leading U+FEFF stays (TextDecoder would drop it).
static napi_value json_text(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  void *data;
  size_t len, head_len, tail_len;
  bool is_typed;
  napi_typedarray_type type;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 3 || napi_is_typedarray(env, argv[0], &is_typed) != napi_ok || !is_typed ||
      napi_get_typedarray_info(env, argv[0], &type, &len, &data, NULL, NULL) != napi_ok || type != napi_uint8_array ||
      napi_get_value_string_utf8(env, argv[1], NULL, 0, &head_len) != napi_ok || napi_get_value_string_utf8(env, argv[2], NULL, 0, &tail_len) != napi_ok) {
    napi_throw_type_error(env, NULL, "jsonText(Uint8Array, head, tail)");
    return NULL;
  }
  const unsigned char *src = data, *end = src + len;
  size_t size = head_len + tail_len + 2;
  for (const unsigned char *p = src; p < end;) {
    if (end - p >= 8 && plain8(p)) {
      size += 8;
      p += 8;
      continue;
    }
    unsigned char x = json_extra[*p];
    if (x != MULTI) {
      size += 1 + x;
      p++;
    } else {
      size_t k = utf8_seq(p, end);
      if (!k) {
        napi_value null;
        napi_get_null(env, &null);
        return null;
      }
      size += k;
      p += k;
    }
  }
  napi_value out;
  char *o;
  if (napi_create_buffer(env, size, (void **)&o, &out) != napi_ok) return NULL;
  // head_len + 1: napi ends the string with a NUL, where the opening quote goes next.
  char *w = o;
  napi_get_value_string_utf8(env, argv[1], w, head_len + 1, &head_len);
  w += head_len;
  *w++ = '"';
  for (const unsigned char *p = src; p < end;) {
    const unsigned char *run = p; // valid multi-byte sequences are written as they are
    for (;;) {
      while (end - p >= 8 && plain8(p)) p += 8;
      if (p == end || (json_extra[*p] != PLAIN && json_extra[*p] != MULTI)) break;
      p++;
    }
    memcpy(w, run, p - run);
    w += p - run;
    if (p == end) break;
    unsigned char c = *p++;
    if (c == '"' || c == '\\') {
      *w++ = '\\';
      *w++ = (char)c;
    } else if (c == '\b' || c == '\t' || c == '\n' || c == '\f' || c == '\r') {
      *w++ = '\\';
      *w++ = c == '\b' ? 'b' : c == '\t' ? 't' : c == '\n' ? 'n' : c == '\f' ? 'f' : 'r';
    } else {
      static const char hex[] = "0123456789abcdef";
      memcpy(w, "\\u00", 4);
      w[4] = hex[c >> 4];
      w[5] = hex[c & 15];
      w += 6;
    }
  }
  *w++ = '"';
  if (tail_len) {
    char tmp[256];
    char *t = tail_len < sizeof tmp ? tmp : malloc(tail_len + 1);
    if (!t) {
      napi_throw_error(env, "ENOMEM", "out of memory");
      return NULL;
    }
    napi_get_value_string_utf8(env, argv[2], t, tail_len + 1, &tail_len);
    memcpy(w, t, tail_len);
    if (t != tmp) free(t);
  }
  return out;
}

static napi_value init(napi_env env, napi_value exports) {
  json_extra_init();
  napi_property_descriptor props[] = {
    {"peerCred", NULL, peer_cred, NULL, NULL, NULL, napi_default, NULL},
    {"tryFlock", NULL, try_flock, NULL, NULL, NULL, napi_default, NULL},
    {"funlock", NULL, funlock, NULL, NULL, NULL, napi_default, NULL},
    {"noCoreDumps", NULL, no_core_dumps, NULL, NULL, NULL, napi_default, NULL},
    {"childSubreaper", NULL, child_subreaper, NULL, NULL, NULL, napi_default, NULL},
    {"reapChild", NULL, reap_child, NULL, NULL, NULL, napi_default, NULL},
    {"isForeground", NULL, is_foreground, NULL, NULL, NULL, napi_default, NULL},
    {"ttyHidesInput", NULL, tty_hides_input, NULL, NULL, NULL, napi_default, NULL},
    {"dupCloexec", NULL, dup_cloexec, NULL, NULL, NULL, napi_default, NULL},
    {"setWinsize", NULL, set_winsize, NULL, NULL, NULL, napi_default, NULL},
    {"niceThread", NULL, nice_thread, NULL, NULL, NULL, napi_default, NULL},
    {"kwCompile", NULL, kw_compile, NULL, NULL, NULL, napi_default, NULL},
    {"kwScan", NULL, kw_scan, NULL, NULL, NULL, napi_default, NULL},
    {"jsonText", NULL, json_text, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
