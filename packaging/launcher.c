// The zip's `bootstrap`: a tiny launcher that needs nothing from the host (no
// libc at all: raw x86-64 Linux system calls, built with -static -nostdlib),
// points the function at what the zip brings and execs the real, also fully
// static, runtime in bin/bootstrap.bin with the same arguments.
//
//   K2C_CA_PATH   = <dir>/certs            hashed CA directory (c_rehash layout)
//   OPENSSL_CONF  = <dir>/ssl/openssl.cnf  so OpenSSL never reads the host's
//
// Each is added only when the environment does not already set it. <dir> is
// the directory holding this launcher: /proc/self/exe, else $LAMBDA_TASK_ROOT,
// else the directory part of argv[0].
#if !defined(__x86_64__) || !defined(__linux__)
#error "x86-64 Linux only"
#endif

typedef unsigned long size_t;
typedef long ssize_t;

enum { SYS_write = 1, SYS_execve = 59, SYS_exit = 60, SYS_readlink = 89 };
enum { PATH_LEN = 4096, MAX_ENV = 4096 };

static long syscall3(long n, long a, long b, long c) {
  long ret;
  __asm__ volatile("syscall" : "=a"(ret) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
  return ret;
}

static size_t length(const char* s) {
  size_t n = 0;
  while (s[n]) ++n;
  return n;
}

static int has_prefix(const char* s, const char* prefix) {
  while (*prefix)
    if (*s++ != *prefix++) return 0;
  return 1;
}

static void say(const char* a, const char* b) {
  syscall3(SYS_write, 2, (long)a, (long)length(a));
  if (b) syscall3(SYS_write, 2, (long)b, (long)length(b));
  syscall3(SYS_write, 2, (long)"\n", 1);
}

static __attribute__((noreturn)) void leave(int code) {
  for (;;) syscall3(SYS_exit, code, 0, 0);
}

// out = a + b + c, or 0 when it does not fit.
static int concat(char* out, size_t size, const char* a, const char* b, const char* c) {
  size_t n = 0;
  for (const char* part[3] = {a, b, c}, **p = part; p != part + 3; ++p)
    for (const char* s = *p; *s; ++s) {
      if (n + 1 >= size) return 0;
      out[n++] = *s;
    }
  out[n] = '\0';
  return 1;
}

// Keeps the directory part of `path` in place ("/x/bootstrap" -> "/x",
// "/bootstrap" -> "", "bootstrap" -> ".").
static void dirname_in_place(char* path) {
  char* slash = 0;
  for (char* s = path; *s; ++s)
    if (*s == '/') slash = s;
  if (slash) *slash = '\0';
  else path[0] = '.', path[1] = '\0';
}

static char dir[PATH_LEN], real[PATH_LEN], ca_path[PATH_LEN], ssl_conf[PATH_LEN];
static char* env[MAX_ENV + 3];

__attribute__((used)) void launch(long* sp) {
  long argc = sp[0];
  char** argv = (char**)(sp + 1);
  char** envp = argv + argc + 1;

  const char* task_root = 0;
  int have_ca = 0, have_conf = 0;
  size_t n = 0;
  for (char** e = envp; *e; ++e) {
    if (n == MAX_ENV) {
      say("bootstrap: environment too large", 0);
      leave(127);
    }
    if (has_prefix(*e, "K2C_CA_PATH=")) have_ca = 1;
    if (has_prefix(*e, "OPENSSL_CONF=")) have_conf = 1;
    if (has_prefix(*e, "LAMBDA_TASK_ROOT=")) task_root = *e + 17;
    env[n++] = *e;
  }

  long got = syscall3(SYS_readlink, (long)"/proc/self/exe", (long)dir, PATH_LEN - 1);
  if (got > 0) {
    dir[got] = '\0';
    dirname_in_place(dir);
  } else if (task_root && *task_root && length(task_root) < PATH_LEN) {
    concat(dir, PATH_LEN, task_root, "", "");
  } else if (argc > 0 && length(argv[0]) < PATH_LEN) {
    concat(dir, PATH_LEN, argv[0], "", "");
    dirname_in_place(dir);
  } else {
    say("bootstrap: cannot tell where the function is installed", 0);
    leave(127);
  }

  if (!concat(real, PATH_LEN, dir, "/bin/bootstrap.bin", "") ||
      !concat(ca_path, PATH_LEN, "K2C_CA_PATH=", dir, "/certs") ||
      !concat(ssl_conf, PATH_LEN, "OPENSSL_CONF=", dir, "/ssl/openssl.cnf")) {
    say("bootstrap: installation path too long", 0);
    leave(127);
  }
  if (!have_ca) env[n++] = ca_path;
  if (!have_conf) env[n++] = ssl_conf;
  env[n] = 0;

  long rc = syscall3(SYS_execve, (long)real, (long)argv, (long)env);
  (void)rc;
  say("bootstrap: cannot execute ", real);
  leave(127);
}

// The kernel enters here with the stack pointer at argc; keep it 16-aligned
// for the C call.
__asm__(
    ".text\n"
    ".global _start\n"
    "_start:\n"
    "  xor %rbp, %rbp\n"
    "  mov %rsp, %rdi\n"
    "  and $-16, %rsp\n"
    "  call launch\n"
    "  hlt\n");
