/* kiln.h: the kiln tool's internal interfaces (docs/kiln-tool.md): the
 * config file (docs/config.md), the library graph, generated sources, the
 * build driver and the runner. Each concern is its own file. */
#ifndef KILN_TOOL_H
#define KILN_TOOL_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* An appliance or device name: 1..67 letters and digits (an appliance's
 * may also hold '-' and '_'), the size of an hvt
 * manifest entry's name field less its NUL (hvt-abi.md 2). */
#define KILN_NAME_MAX 67
/* Devices: an hvt manifest holds 64 entries, the first reserved. */
#define KILN_CONF_MAX_DEVICES 63
/* Library names: lib/<name>/, lowercase letters, digits and '_'. The limits
 * are far above kiln's own library count; they bound the tool's tables. */
#define KILN_LIB_NAME_MAX 31
#define KILN_MAX_LIBS 128
/* Guest memory for hvt, MiB. 32 holds the examples with room to spare (the
 * www goal is 4), keeps an idle appliance cheap on the host, and is far
 * below the tender's own default of 512. The bounds are the tender's. */
#define KILN_MEM_DEFAULT 32
#define KILN_MEM_MIN 2
#define KILN_MEM_MAX 4096
/* Port forwards for user-mode networking (kiln.conf 'forward', kiln run
 * --port-forward): hostnet's HOSTNET_MAX_FORWARDS, a few services. */
#define KILN_MAX_FORWARDS 16
/* "tcp:65535:65535" and its NUL. */
#define KILN_FORWARD_MAX 16
/* One line of kiln.conf, far more than any sensible one. */
#define KILN_CONF_LINE_MAX 4096

/* All cflags (or ldflags) lines of kiln.conf together. */
#define KILN_FLAGS_MAX 1024

/* Messages: one line, without "kiln: " in front (main adds it). */
#define KILN_ERR_MAX 1024

/* --- kiln.conf (config.c) ------------------------------------------------ */

enum conf_dev_type { CONF_NET, CONF_BLOCK };

struct conf_dev {
	char name[KILN_NAME_MAX + 1];
	enum conf_dev_type type;
	int line;
};

struct conf_lib {
	char name[KILN_LIB_NAME_MAX + 1];
	int line;
};

/* One port forward, [udp:|tcp:]HOSTPORT:GUESTPORT (docs/config.md). */
struct conf_forward {
	char spec[KILN_FORWARD_MAX]; /* as written, checked */
	bool udp, tcp;
	unsigned host_port, guest_port;
	int line;
};

struct kiln_conf {
	char path[PATH_MAX]; /* as given, for messages */
	char name[KILN_NAME_MAX + 1];
	struct conf_dev dev[KILN_CONF_MAX_DEVICES];
	unsigned ndev;
	struct conf_lib lib[KILN_MAX_LIBS];
	unsigned nlib;
	unsigned mem_mib;
	struct conf_forward forward[KILN_MAX_FORWARDS];
	unsigned nforward;
	/* files = DIR: a directory baked into the image (files.c); "" if none. */
	char files[PATH_MAX];
	int files_line;
	/* cflags = ..., ldflags = ...: the application's own compile and link
	 * flags, every line appended (docs/config.md); "" if none. */
	char cflags[KILN_FLAGS_MAX], ldflags[KILN_FLAGS_MAX];
	/* sources = GLOB...: the application's files, relative to its
	 * directory, every line appended; "" for every *.c file in it and its
	 * subdirectories. */
	char sources[KILN_FLAGS_MAX];
	int sources_line;
};

/* Parses a port forward "[udp:|tcp:]HOSTPORT:GUESTPORT", ports 1 to 65535.
 * Returns 0, or -1 with why (no prefix) in err. */
int conf_parse_forward(const char *s, struct conf_forward *f, char *err, size_t errlen);

/* Parses text (the whole file, NUL-terminated) named path in messages.
 * Returns 0, or -1 with "PATH:LINE: problem" in err. */
int conf_parse(struct kiln_conf *c, const char *path, const char *text, char *err,
	       size_t errlen);
/* Reads and parses path. */
int conf_load(struct kiln_conf *c, const char *path, char *err, size_t errlen);
/* Every library named must be a folder lib/<name>/ with a deps file under
 * root; else -1 with "PATH:LINE: unknown library 'x' (known: ...)". */
int conf_check_libs(const struct kiln_conf *c, const char *root, char *err, size_t errlen);
/* The keys, for messages: "name, net, block, libs, mem, forward, files". */
extern const char conf_known_keys[];

/* --- The library graph (libgraph.c) ------------------------------------- */

struct lib_list {
	char name[KILN_MAX_LIBS][KILN_LIB_NAME_MAX + 1];
	unsigned n;
};

/* The closure of the libraries named in roots[0..nroots) and core, through
 * root/lib/<name>/deps, ordered so that each library comes before the ones it
 * uses (the order a linker without groups needs). -1 with a message for an
 * unreadable deps file or one naming an unknown library. */
int libgraph_closure(const char *root, const char *const *roots, unsigned nroots,
		     struct lib_list *out, char *err, size_t errlen);
/* True if root/lib/name/deps exists. */
bool libgraph_exists(const char *root, const char *name);
/* Space-separated names of the libraries under root/lib, into buf. */
void libgraph_known(const char *root, char *buf, size_t len);

/* --- Generated sources (gen.c) ------------------------------------------ */

/* The text of _build/<target>/manifest.c (include/kiln/manifest.h). */
int gen_manifest(const struct kiln_conf *c, char *buf, size_t len);
/* The text of _build/<target>/appliance.c: the appliance's name. */
int gen_appliance(const struct kiln_conf *c, char *buf, size_t len);
/* Writes content to path only if the file's content differs, so that make
 * sees an unchanged file as up to date. *changed (may be NULL) tells. */
int gen_write_if_changed(const char *path, const char *content, bool *changed,
			 char *err, size_t errlen);

/* --- Baked-in files (files.c) ------------------------------------------ */

/* The C symbol of the store `files = DIR` bakes in: the appliance declares
 * it with KV_BAKED_DECLARE(kiln_files) (docs/config.md). */
#define KILN_FILES_SYMBOL "kiln_files"
/* Entries in the files directory the change check walks: far above a
 * static site, it bounds a wrong directory (a home folder). */
#define KILN_FILES_MAX_ENTRIES 100000

/* Bakes c->files (relative to app_dir) into out_dir/files.c with
 * root/build/bin/kiln-crunch, only when the directory's content (names,
 * sizes, modification times) or kiln-crunch changed since the last build,
 * and rewriting files.c only when its bytes change, so an unchanged site
 * compiles nothing. 0, or -1 with "PATH:LINE: problem" in err. */
int files_bake(const struct kiln_conf *c, const char *app_dir, const char *root,
	       const char *out_dir, char *err, size_t errlen);

/* --- Build fingerprints (stamp.c) -------------------------------------- */

/* A hash of file names, sizes and modification times (and strings), in no
 * particular order: equal fingerprints mean nothing a build reads changed. */
struct fingerprint {
	uint64_t sum;
	unsigned n;
};
/* A walk stops past this many entries (a wrong directory). */
#define FP_MAX_ENTRIES 200000
void fp_init(struct fingerprint *f);
void fp_add_string(struct fingerprint *f, const char *s);
/* One file's state (a missing one counts as such). */
void fp_add_file(struct fingerprint *f, const char *path);
/* The files of dir and, depth levels down, its subdirectories, skipping
 * hidden names, names ending in '~' and _build. -1 past FP_MAX_ENTRIES. */
int fp_add_dir(struct fingerprint *f, const char *dir, int depth);
/* "HASH-COUNT", for a stamp file. */
void fp_format(const struct fingerprint *f, char *buf, size_t len);

/* --- Paths and processes (util.c) --------------------------------------- */

/* The kiln tree: $KILN_ROOT, else two levels above this program's own file
 * (build/bin/kiln). -1 with a message if neither holds mk/appliance.mk. */
int kiln_find_root(char *root, size_t len, char *err, size_t errlen);
/* Joins a and b with one '/'; -1 if it does not fit. */
int path_join(char *out, size_t len, const char *a, const char *b);
/* mkdir -p. */
int mkdir_p(const char *path, char *err, size_t errlen);
/* Runs argv (argv[0] looked up in PATH), its stdout sent to our stderr when
 * out_to_err; returns its exit status, 127 if it could not start, 128+N for
 * signal N. */
int run_process(char *const argv[], bool out_to_err);
/* argv as one shell-quoted line into buf. */
void shell_join(char *const argv[], char *buf, size_t len);
/* Reads a whole small file into a NUL-terminated malloc'd buffer (max bytes);
 * NULL with errno set. */
char *read_file(const char *path, size_t max, size_t *len);

/* --- The build (build.c) and the run (run.c) ----------------------------- */

enum kiln_target { TARGET_UNIX, TARGET_HVT };

struct build_req {
	const char *dir; /* the appliance directory as given */
	enum kiln_target target;
	bool sanitize;
	bool release; /* -O2 instead of the development build's -Og */
	/* > 0: when the image is ready, write one byte to this descriptor,
	 * and only then run the other target's check (run --watch restarts
	 * the appliance meanwhile). 0: the check is part of the build. */
	int ready_fd;
};

struct build_result {
	struct kiln_conf conf;
	char root[PATH_MAX];
	char image[PATH_MAX]; /* as printed: dir/_build/<variant>/<name>.<target> */
};

const char *target_name(enum kiln_target t);
/* The application's files (sources.c): c->sources' globs expanded in dir,
 * else every *.c in dir and its subdirectories but _build and hidden ones;
 * relative to dir, sorted, space-separated into buf, *count of them. -1
 * (printed) for a glob matching nothing, a match that is not a .c file
 * make can name, or too many. */
int app_sources(const struct kiln_conf *c, const char *dir, char *buf, size_t len,
		unsigned *count);
/* hvt (sse.c): scripts/check-sse over the application's objects
 * (out_dir/app/SRC.o for each of srcs), the generated sources' objects
 * (gen, NULL-terminated) and archives (space-separated) newer than
 * out_dir/sse.stamp; the stamp is renewed when they pass, and the image
 * removed when not. 0, or 1 (printed). */
int sse_check(const struct build_result *res, const char *out_dir, const char *srcs,
	      const char *const *gen, const char *archives);
/* Generates, makes the libraries, links. Progress on stderr; returns 0 with
 * res filled, or non-zero (the message already printed). */
int kiln_build(const struct build_req *req, struct build_result *res);

/* --- Link failures (linkhint.c) ------------------------------------------ */

/* run_process with stdout and stderr copied to our stderr as they come and
 * their first len-1 bytes kept in out (NUL-terminated). */
int run_process_tee(char *const argv[], char *out, size_t len);
/* For each "undefined reference to SYM" in out whose definition is in a
 * library under root/lib not in have, prints "kiln: SYM is in library L:
 * add it to libs in kiln.conf". Returns the number of such lines. */
int link_hints(const char *root, const char *out, const struct lib_list *have);

/* --- kiln run --watch (watch.c) ------------------------------------------ */

/* A forwarded TCP host port kiln holds open across restarts: it listens on
 * 127.0.0.1:host_port and relays each connection to the current instance,
 * whose forward is 127.0.0.1:private_port. */
struct watch_relay {
	int listen_fd;
	unsigned host_port, private_port;
};
/* Connections relayed at once (relay.c); more wait in the listen backlog. */
#define WATCH_MAX_CONNS 256
/* Listens on host_port and picks a free private port. -1 with why. */
int watch_relay_open(struct watch_relay *r, unsigned host_port, char *err, size_t errlen);
/* The relay's side of the watch loop (relay.c): the relays to serve; an
 * instance started (connections go to it) or stopped (they wait); the poll
 * entries of the listeners and connections appended to pfd[n..] (returns
 * the new n; *wake lowered to the next timer, ms, -1 none); after poll,
 * accepting and moving bytes; closing every connection at the end. */
void relay_init(struct watch_relay *r, unsigned nr);
void relay_instance_up(void);
void relay_instance_down(void);
struct pollfd;
unsigned long relay_poll_fill(struct pollfd *pfd, unsigned long n, long long *wake);
void relay_poll_done(const struct pollfd *pfd, long long now);
void relay_close_all(void);
/* CLOCK_MONOTONIC in ms. */
long long watch_now_ms(void);
/* Starts cmd, then rebuilds (req) on every change under app_dir (and
 * files_dir, may be NULL), restarting cmd when the image changed; relays
 * connections to the relays' host ports meanwhile. Returns at SIGINT (130)
 * or SIGTERM/SIGHUP (0). */
int watch_run(const struct build_req *req, const char *app_dir, const char *files_dir,
	      char *const cmd[], const char *image, struct watch_relay *r, unsigned nr);

int cmd_new(int argc, char **argv);
int cmd_build(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_store(int argc, char **argv);

/* Prints "kiln: " and the message on stderr. */
void kiln_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
