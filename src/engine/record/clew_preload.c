/*
 * clew_preload.c — the LD_PRELOAD interposer behind `clew record`'s automatic capture
 * (docs/recording.md). Compiled on first use by src/engine/record/preload.ts.
 *
 * Every successful open/openat/creat/fopen/freopen/rename/renameat/renameat2 of the process and
 * of every dynamically linked child (LD_PRELOAD is inherited through fork and exec) appends one
 * record to the log named by CLEW_PRELOAD_LOG:
 *   <kind><absolute path>\0       kind: r read, w write, u read+write, n rename target
 * NUL-terminated because a path may hold a newline. One write(2) per record on an O_APPEND
 * descriptor, so records of concurrent processes never interleave and nothing is buffered in the
 * program (a crash or _exit loses nothing already opened). Write classification is strace's
 * (src/engine/record/capture.ts): O_WRONLY, O_RDWR, O_CREAT, O_TRUNC or O_APPEND writes.
 * Paths are made absolute here (cwd or the dirfd's /proc link) because the reader cannot know
 * the cwd of a child that called chdir.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define LOG_FD_MIN 987
#define BUF 8192

static int log_fd = -1;

/* Opens the log with the raw syscall (never our own open) and moves it to a high descriptor, so
 * a shell's `exec 3>…` or dup2 onto a low number does not clobber it. */
static int open_log(void) {
  const char *name = getenv("CLEW_PRELOAD_LOG");
  if (!name || !*name) return -1;
  int fd = (int)syscall(SYS_openat, AT_FDCWD, name, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return -1;
  int high = fcntl(fd, F_DUPFD_CLOEXEC, LOG_FD_MIN);
  if (high >= 0) {
    syscall(SYS_close, fd);
    fd = high;
  }
  return fd;
}

static void emit(char kind, int dirfd, const char *path) {
  if (!path || !*path) return;
  int saved = errno;
  char buf[BUF];
  size_t n = 0;
  buf[n++] = kind;
  if (path[0] != '/') {
    if (dirfd == AT_FDCWD) {
      if (!getcwd(buf + n, BUF - n - 2)) goto out;
    } else {
      char link[64];
      snprintf(link, sizeof link, "/proc/self/fd/%d", dirfd);
      ssize_t len = readlink(link, buf + n, BUF - n - 2);
      if (len <= 0) goto out;
      buf[n + (size_t)len] = '\0';
    }
    n += strlen(buf + n);
    if (n < BUF - 1) buf[n++] = '/';
  }
  size_t plen = strlen(path);
  if (n + plen + 1 > BUF) goto out;
  memcpy(buf + n, path, plen);
  n += plen;
  buf[n++] = '\0';
  if (log_fd < 0) log_fd = open_log();
  if (log_fd < 0) goto out;
  if (write(log_fd, buf, n) < 0 && errno == EBADF) {
    /* The program closed every descriptor (closefrom before exec, daemons): open it again. */
    log_fd = open_log();
    if (log_fd >= 0) (void)!write(log_fd, buf, n);
  }
out:
  errno = saved;
}

static char kind_of_flags(int flags) {
  if ((flags & O_ACCMODE) == O_RDWR) return 'u';
  if (flags & (O_WRONLY | O_CREAT | O_TRUNC | O_APPEND)) return 'w';
  return 'r';
}

static char kind_of_mode(const char *mode) {
  if (!mode) return 'r';
  if (strchr(mode, '+')) return 'u';
  if (mode[0] == 'w' || mode[0] == 'a') return 'w';
  return 'r';
}

#define NEXT(name) \
  static __typeof__(&name) real_##name; \
  if (!real_##name) real_##name = (__typeof__(&name))dlsym(RTLD_NEXT, #name)

static int wants_mode(int flags) { return (flags & O_CREAT) || ((flags & O_TMPFILE) == O_TMPFILE); }

int open(const char *path, int flags, ...) {
  NEXT(open);
  mode_t mode = 0;
  if (wants_mode(flags)) {
    va_list ap;
    va_start(ap, flags);
    mode = va_arg(ap, mode_t);
    va_end(ap);
  }
  int fd = real_open(path, flags, mode);
  if (fd >= 0) emit(kind_of_flags(flags), AT_FDCWD, path);
  return fd;
}

int open64(const char *path, int flags, ...) {
  NEXT(open64);
  mode_t mode = 0;
  if (wants_mode(flags)) {
    va_list ap;
    va_start(ap, flags);
    mode = va_arg(ap, mode_t);
    va_end(ap);
  }
  int fd = real_open64(path, flags, mode);
  if (fd >= 0) emit(kind_of_flags(flags), AT_FDCWD, path);
  return fd;
}

int openat(int dirfd, const char *path, int flags, ...) {
  NEXT(openat);
  mode_t mode = 0;
  if (wants_mode(flags)) {
    va_list ap;
    va_start(ap, flags);
    mode = va_arg(ap, mode_t);
    va_end(ap);
  }
  int fd = real_openat(dirfd, path, flags, mode);
  if (fd >= 0) emit(kind_of_flags(flags), dirfd, path);
  return fd;
}

int openat64(int dirfd, const char *path, int flags, ...) {
  NEXT(openat64);
  mode_t mode = 0;
  if (wants_mode(flags)) {
    va_list ap;
    va_start(ap, flags);
    mode = va_arg(ap, mode_t);
    va_end(ap);
  }
  int fd = real_openat64(dirfd, path, flags, mode);
  if (fd >= 0) emit(kind_of_flags(flags), dirfd, path);
  return fd;
}

/* _FORTIFY_SOURCE builds call these instead of open/openat. */
int __open_2(const char *path, int flags);
int __open_2(const char *path, int flags) {
  NEXT(__open_2);
  int fd = real___open_2(path, flags);
  if (fd >= 0) emit(kind_of_flags(flags), AT_FDCWD, path);
  return fd;
}
int __open64_2(const char *path, int flags);
int __open64_2(const char *path, int flags) {
  NEXT(__open64_2);
  int fd = real___open64_2(path, flags);
  if (fd >= 0) emit(kind_of_flags(flags), AT_FDCWD, path);
  return fd;
}
int __openat_2(int dirfd, const char *path, int flags);
int __openat_2(int dirfd, const char *path, int flags) {
  NEXT(__openat_2);
  int fd = real___openat_2(dirfd, path, flags);
  if (fd >= 0) emit(kind_of_flags(flags), dirfd, path);
  return fd;
}
int __openat64_2(int dirfd, const char *path, int flags);
int __openat64_2(int dirfd, const char *path, int flags) {
  NEXT(__openat64_2);
  int fd = real___openat64_2(dirfd, path, flags);
  if (fd >= 0) emit(kind_of_flags(flags), dirfd, path);
  return fd;
}

int creat(const char *path, mode_t mode) {
  NEXT(creat);
  int fd = real_creat(path, mode);
  if (fd >= 0) emit('w', AT_FDCWD, path);
  return fd;
}
int creat64(const char *path, mode_t mode) {
  NEXT(creat64);
  int fd = real_creat64(path, mode);
  if (fd >= 0) emit('w', AT_FDCWD, path);
  return fd;
}

/* glibc's fopen opens through its internal __open, which no interposer sees: hook fopen itself. */
FILE *fopen(const char *path, const char *mode) {
  NEXT(fopen);
  FILE *f = real_fopen(path, mode);
  if (f) emit(kind_of_mode(mode), AT_FDCWD, path);
  return f;
}
FILE *fopen64(const char *path, const char *mode) {
  NEXT(fopen64);
  FILE *f = real_fopen64(path, mode);
  if (f) emit(kind_of_mode(mode), AT_FDCWD, path);
  return f;
}
FILE *freopen(const char *path, const char *mode, FILE *stream) {
  NEXT(freopen);
  FILE *f = real_freopen(path, mode, stream);
  if (f && path) emit(kind_of_mode(mode), AT_FDCWD, path);
  return f;
}
FILE *freopen64(const char *path, const char *mode, FILE *stream) {
  NEXT(freopen64);
  FILE *f = real_freopen64(path, mode, stream);
  if (f && path) emit(kind_of_mode(mode), AT_FDCWD, path);
  return f;
}

int rename(const char *from, const char *to) {
  NEXT(rename);
  int r = real_rename(from, to);
  if (r == 0) emit('n', AT_FDCWD, to);
  return r;
}
int renameat(int fromfd, const char *from, int tofd, const char *to) {
  NEXT(renameat);
  int r = real_renameat(fromfd, from, tofd, to);
  if (r == 0) emit('n', tofd, to);
  return r;
}
int renameat2(int fromfd, const char *from, int tofd, const char *to, unsigned int flags) {
  NEXT(renameat2);
  int r = real_renameat2(fromfd, from, tofd, to, flags);
  if (r == 0) emit('n', tofd, to);
  return r;
}
