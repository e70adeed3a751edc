/* watch.c: `kiln run --watch`: rebuild on save and restart the appliance,
 * while kiln itself holds the forwarded TCP host ports and relays each
 * connection to the current instance's private port (docs/kiln-tool.md). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/inotify.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kiln.h"

/* Connections relayed at once; more wait in the listen backlog. */
#define WATCH_MAX_CONNS 256
/* Bytes buffered each way per connection. Until the instance answers, the
 * client's bytes are kept, so that a request the old instance took with it
 * when it was stopped is sent again to the new one. */
#define WATCH_BUF 65536
/* A connection waits this long for an instance that accepts it. */
#define WATCH_CONNECT_WAIT_MS 30000
/* A new instance's network may not be up when it is first connected to:
 * user-mode networking accepts the connection and its SYN to the guest
 * waits seconds for a retransmission. So, for a young instance, a request
 * with no answer after WATCH_PATIENCE_MS (doubling each time) is sent again
 * on a fresh connection. */
#define WATCH_YOUNG_MS 3000
#define WATCH_PATIENCE_MS 40
/* Retry period of a refused connect, and the wait that folds an editor's
 * burst of events (write a temporary file, rename it) into one build. */
#define WATCH_RETRY_MS 5
#define WATCH_SETTLE_MS 2
/* Directories watched under the appliance (subdirectories, files). */
#define WATCH_MAX_DIRS 512

struct conn {
	int cfd, ufd; /* client, upstream (-1: none yet) */
	bool connecting, got_up, c_eof, u_eof, c_shut, u_shut;
	long long retry_at, deadline; /* ms */
	long long sent_at, patience; /* ms: see may_resend */
	unsigned gen; /* the instance generation it was connected to */
	unsigned relay;
	char cbuf[WATCH_BUF], ubuf[WATCH_BUF];
	size_t clen, csent, ulen, usent;
};

static struct conn *conns[WATCH_MAX_CONNS];
static struct watch_relay *relays;
static unsigned nrelays;
static unsigned gen; /* bumped on every instance start */
static pid_t instance = -1;
static long long started_at;

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static int listen_on(unsigned port, unsigned *got)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof a;
	int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || listen(fd, 128) < 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	*got = ntohs(a.sin_port);
	return fd;
}

int watch_relay_open(struct watch_relay *r, unsigned host_port, char *err, size_t errlen)
{
	unsigned got;
	int probe;

	r->listen_fd = listen_on(host_port, &got);
	if (r->listen_fd < 0) {
		snprintf(err, errlen, "cannot listen on 127.0.0.1:%u: %s", host_port,
			 strerror(errno));
		return -1;
	}
	/* A private port for the instances: one the kernel picks, free now. */
	probe = listen_on(0, &got);
	if (probe < 0) {
		snprintf(err, errlen, "cannot pick a private port: %s", strerror(errno));
		close(r->listen_fd);
		return -1;
	}
	close(probe);
	r->host_port = host_port;
	r->private_port = got;
	return 0;
}

static void conn_free(unsigned i)
{
	struct conn *c = conns[i];
	if (c->cfd >= 0)
		close(c->cfd);
	if (c->ufd >= 0)
		close(c->ufd);
	free(c);
	conns[i] = NULL;
}

/* Starts a connect to the current instance, or schedules a retry. */
static void conn_connect(struct conn *c, long long now)
{
	struct sockaddr_in a = {.sin_family = AF_INET,
				.sin_port = htons((uint16_t)relays[c->relay].private_port),
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};

	if (c->ufd >= 0)
		close(c->ufd);
	c->ufd = -1;
	c->connecting = false;
	c->csent = 0;
	c->u_eof = c->u_shut = false;
	c->retry_at = now + WATCH_RETRY_MS;
	c->sent_at = 0;
	if (instance < 0)
		return; /* between instances: wait */
	c->ufd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->ufd < 0)
		return;
	c->gen = gen;
	if (connect(c->ufd, (struct sockaddr *)&a, sizeof a) == 0 || errno == EINPROGRESS) {
		c->connecting = true;
		c->retry_at = 0;
		return;
	}
	close(c->ufd);
	c->ufd = -1;
}

/* The upstream ended before it sent a byte: an instance that was stopped or
 * not yet listening. The client's bytes are sent again to the (new) one. */
static bool may_replay(const struct conn *c, long long now)
{
	return !c->got_up && now < c->deadline && c->clen < WATCH_BUF &&
	       (c->gen != gen || instance < 0 || now - started_at < 3000);
}

/* True when a request to a young instance has waited too long for its
 * first answer byte (WATCH_PATIENCE_MS). */
static bool may_resend(const struct conn *c, long long now)
{
	return c->ufd >= 0 && !c->connecting && !c->got_up && c->sent_at && c->gen == gen &&
	       instance >= 0 && now - started_at < WATCH_YOUNG_MS &&
	       now - c->sent_at >= c->patience;
}

static void conn_accept(unsigned r, long long now)
{
	for (;;) {
		unsigned i;
		for (i = 0; i < WATCH_MAX_CONNS && conns[i]; i++)
			;
		if (i == WATCH_MAX_CONNS)
			return; /* the rest wait in the backlog */
		int fd = accept4(relays[r].listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		struct conn *c = calloc(1, sizeof *c);
		if (c == NULL) {
			close(fd);
			return;
		}
		c->cfd = fd;
		c->ufd = -1;
		c->relay = r;
		c->deadline = now + WATCH_CONNECT_WAIT_MS;
		c->patience = WATCH_PATIENCE_MS;
		conns[i] = c;
		conn_connect(c, now);
	}
}

/* Moves bytes for one connection after poll; false when it is done. */
static bool conn_step(struct conn *c, short cev, short uev, long long now)
{
	ssize_t n;

	if (c->ufd >= 0 && c->connecting && uev) {
		int e = 0;
		socklen_t l = sizeof e;
		getsockopt(c->ufd, SOL_SOCKET, SO_ERROR, &e, &l);
		if (e != 0) {
			if (now >= c->deadline)
				return false;
			close(c->ufd);
			c->ufd = -1;
			c->connecting = false;
			c->retry_at = now + WATCH_RETRY_MS;
			return true;
		}
		c->connecting = false;
	}
	if (cev & (POLLIN | POLLHUP | POLLERR) && !c->c_eof && c->clen < WATCH_BUF) {
		n = read(c->cfd, c->cbuf + c->clen, WATCH_BUF - c->clen);
		if (n > 0)
			c->clen += (size_t)n;
		else if (n == 0 || (errno != EAGAIN && errno != EINTR))
			c->c_eof = true;
	}
	if (c->ufd >= 0 && !c->connecting) {
		if (c->csent < c->clen) {
			n = send(c->ufd, c->cbuf + c->csent, c->clen - c->csent, MSG_NOSIGNAL);
			if (n > 0) {
				c->csent += (size_t)n;
				if (c->sent_at == 0)
					c->sent_at = now;
			}
		}
		/* Once the instance has answered, sent bytes need not be kept. */
		if (c->got_up && c->csent == c->clen)
			c->csent = c->clen = 0;
		if (c->c_eof && c->csent == c->clen && !c->u_shut) {
			shutdown(c->ufd, SHUT_WR);
			c->u_shut = true;
		}
		if (uev & (POLLIN | POLLHUP | POLLERR) && !c->u_eof && c->ulen < WATCH_BUF) {
			n = read(c->ufd, c->ubuf + c->ulen, WATCH_BUF - c->ulen);
			if (n > 0) {
				c->ulen += (size_t)n;
				c->got_up = true;
			} else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
				if (may_replay(c, now)) {
					close(c->ufd);
					c->ufd = -1;
					c->csent = 0;
					c->retry_at = now + WATCH_RETRY_MS;
					return true;
				}
				c->u_eof = true;
			}
		}
	}
	if (c->usent < c->ulen) {
		n = send(c->cfd, c->ubuf + c->usent, c->ulen - c->usent, MSG_NOSIGNAL);
		if (n > 0)
			c->usent += (size_t)n;
		else if (n < 0 && errno != EAGAIN && errno != EINTR)
			return false;
		if (c->usent == c->ulen)
			c->usent = c->ulen = 0;
	}
	if (c->u_eof && c->ulen == 0 && !c->c_shut) {
		shutdown(c->cfd, SHUT_WR);
		c->c_shut = true;
	}
	if (c->ufd < 0 && !c->got_up && now >= c->deadline)
		return false;
	return !(c->c_shut && (c->u_shut || c->c_eof));
}

/* --- Watching the sources ---------------------------------------------- */

static int dir_wd[WATCH_MAX_DIRS];
static char *dir_path[WATCH_MAX_DIRS];
static unsigned ndirs;
static const char *files_root; /* kiln.conf's files directory, or NULL */

static bool ignored(const char *name)
{
	size_t n = strlen(name);
	return name[0] == '.' || strcmp(name, "_build") == 0 || (n && name[n - 1] == '~') ||
	       strcmp(name, "4913") == 0 || (n > 4 && strcmp(name + n - 4, ".swp") == 0);
}

static void watch_tree(int ifd, const char *dir, int depth)
{
	char path[PATH_MAX];
	struct dirent *e;
	DIR *d;

	if (ndirs == WATCH_MAX_DIRS)
		return;
	int wd = inotify_add_watch(ifd, dir, IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM |
				   IN_CREATE | IN_DELETE | IN_ATTRIB | IN_ONLYDIR);
	if (wd < 0)
		return;
	bool known = false;
	for (unsigned i = 0; i < ndirs; i++)
		known |= dir_wd[i] == wd;
	if (!known) {
		dir_wd[ndirs] = wd;
		dir_path[ndirs++] = strdup(dir);
	}
	if (depth == 0 || (d = opendir(dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		struct stat st;
		if (ignored(e->d_name) || path_join(path, sizeof path, dir, e->d_name) < 0 ||
		    stat(path, &st) < 0 || !S_ISDIR(st.st_mode))
			continue;
		watch_tree(ifd, path, depth - 1);
	}
	closedir(d);
}

/* True if the event's name is one a build reads: a C source or header,
 * kiln.conf, or anything in the files directory. An editor's temporary
 * file (main.c.tmp.123, 4913, .main.c.swp) is not: its rename to main.c is
 * the change, so one save is one build. */
static bool relevant(const struct inotify_event *ev)
{
	size_t n = strlen(ev->name);
	if (ignored(ev->name))
		return false;
	if ((n > 2 && (strcmp(ev->name + n - 2, ".c") == 0 || strcmp(ev->name + n - 2, ".h") == 0)) ||
	    strcmp(ev->name, "kiln.conf") == 0 || (ev->mask & IN_ISDIR))
		return true;
	if (files_root)
		for (unsigned i = 0; i < ndirs; i++)
			if (dir_wd[i] == ev->wd)
				return strncmp(dir_path[i], files_root, strlen(files_root)) == 0;
	return false;
}

/* True if the events in buf touch a file a build reads. New directories
 * are watched in turn (their path is not known here: the tree is walked
 * again, and inotify returns the same watch for a known directory). */
static bool relevant_events(const char *buf, ssize_t len, bool *new_dir)
{
	bool any = false;
	for (const char *p = buf; p < buf + len;) {
		const struct inotify_event *ev = (const void *)p;
		if (ev->len && relevant(ev)) {
			any = true;
			if ((ev->mask & IN_ISDIR) && (ev->mask & (IN_CREATE | IN_MOVED_TO)))
				*new_dir = true;
		}
		p += sizeof *ev + ev->len;
	}
	return any;
}

/* --- The instance ---------------------------------------------------------- */

static void stop_instance(void)
{
	if (instance < 0)
		return;
	kill(instance, SIGTERM);
	for (int i = 0; i < 400; i++) { /* 2 s, then SIGKILL */
		if (waitpid(instance, NULL, WNOHANG) == instance) {
			instance = -1;
			return;
		}
		usleep(5000);
	}
	kill(instance, SIGKILL);
	waitpid(instance, NULL, 0);
	instance = -1;
}

static void start_instance(char *const cmd[], const sigset_t *old_mask)
{
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid == 0) {
		sigprocmask(SIG_SETMASK, old_mask, NULL);
		/* kiln killed outright takes the instance with it. */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		execv(cmd[0], cmd);
		kiln_error("cannot run %s: %s", cmd[0], strerror(errno));
		_exit(127);
	}
	instance = pid;
	gen++;
	started_at = now_ms();
}

/* The image's identity: a rebuilt one differs. */
static void image_id(const char *path, char *buf, size_t len)
{
	struct fingerprint f;
	fp_init(&f);
	fp_add_file(&f, path);
	fp_format(&f, buf, len);
}

/* Forks a build of req; it writes a byte to ready_fd when the image is
 * ready (then checks the other target). */
static pid_t start_build(const struct build_req *req, int ready_fd, const sigset_t *old_mask)
{
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid == 0) {
		static struct build_result res;
		struct build_req r = *req;
		r.ready_fd = ready_fd;
		sigprocmask(SIG_SETMASK, old_mask, NULL);
		_exit(kiln_build(&r, &res) == 0 ? 0 : 1);
	}
	return pid;
}

/* After a successful build: restarts the appliance if its image changed. */
static void restart(const char *image, const char *before, long long took, char *const cmd[],
		    const sigset_t *old_mask)
{
	char after[64];

	image_id(image, after, sizeof after);
	if (strcmp(before, after) == 0 && instance >= 0)
		return;
	fprintf(stderr, "kiln: rebuilt in %lld ms; restarting %s\n", took, image);
	stop_instance();
	start_instance(cmd, old_mask);
}

int watch_run(const struct build_req *req, const char *app_dir, const char *files_dir,
	      char *const cmd[], const char *image, struct watch_relay *r, unsigned nr)
{
	sigset_t mask, old_mask;
	char before[64];
	static char evbuf[16384] __attribute__((aligned(8)));
	long long build_at = -1, build_started = 0;
	pid_t builder = -1;
	bool build_again = false, restarted = false;
	int status = 0, ready[2];

	relays = r;
	nrelays = nr;
	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, &old_mask);
	int sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	int ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (sfd < 0 || ifd < 0 || pipe2(ready, O_NONBLOCK | O_CLOEXEC) < 0) {
		kiln_error("--watch: %s", strerror(errno));
		return 1;
	}
	files_root = files_dir;
	watch_tree(ifd, app_dir, 8);
	if (files_dir)
		watch_tree(ifd, files_dir, 16);
	fprintf(stderr, "kiln: watching %s: a saved change rebuilds and restarts the "
		"appliance; Ctrl-C ends\n", req->dir);
	for (unsigned i = 0; i < nr; i++)
		fprintf(stderr, "kiln: 127.0.0.1:%u stays open across restarts (relayed to the "
			"instance's 127.0.0.1:%u)\n", r[i].host_port, r[i].private_port);
	start_instance(cmd, &old_mask);

	for (;;) {
		static struct pollfd pfd[3 + KILN_MAX_FORWARDS + 2 * WATCH_MAX_CONNS];
		static int slot_c[WATCH_MAX_CONNS], slot_u[WATCH_MAX_CONNS];
		long long now = now_ms(), wake = -1;
		nfds_t n = 0;

		pfd[n++] = (struct pollfd){.fd = sfd, .events = POLLIN};
		pfd[n++] = (struct pollfd){.fd = ifd, .events = POLLIN};
		pfd[n++] = (struct pollfd){.fd = ready[0], .events = POLLIN};
		for (unsigned i = 0; i < nr; i++)
			pfd[n++] = (struct pollfd){.fd = r[i].listen_fd, .events = POLLIN};
		for (unsigned i = 0; i < WATCH_MAX_CONNS; i++) {
			struct conn *c = conns[i];
			slot_c[i] = slot_u[i] = -1;
			if (c == NULL)
				continue;
			if (c->ufd < 0) {
				long long t = c->retry_at < c->deadline ? c->retry_at : c->deadline;
				if (wake < 0 || t < wake)
					wake = t;
			} else if (!c->got_up && c->sent_at && c->gen == gen &&
				   now - started_at < WATCH_YOUNG_MS) {
				long long t = c->sent_at + c->patience;
				if (wake < 0 || t < wake)
					wake = t;
			}
			short ce = (!c->c_eof && c->clen < WATCH_BUF ? POLLIN : 0) |
				   (c->ulen > c->usent ? POLLOUT : 0);
			slot_c[i] = (int)n;
			pfd[n++] = (struct pollfd){.fd = c->cfd, .events = ce};
			if (c->ufd >= 0) {
				short ue = c->connecting ? POLLOUT
					: (short)((!c->u_eof && c->ulen < WATCH_BUF ? POLLIN : 0) |
						  (c->clen > c->csent ? POLLOUT : 0));
				slot_u[i] = (int)n;
				pfd[n++] = (struct pollfd){.fd = c->ufd, .events = ue};
			}
		}
		if (build_at >= 0 && (wake < 0 || build_at < wake))
			wake = build_at;
		int timeout = wake < 0 ? -1 : wake <= now ? 0 : (int)(wake - now);
		if (poll(pfd, n, timeout) < 0 && errno != EINTR)
			break;
		now = now_ms();

		if (pfd[0].revents) {
			struct signalfd_siginfo si;
			bool quit = false;
			while (read(sfd, &si, sizeof si) == sizeof si)
				if (si.ssi_signo != SIGCHLD) {
					quit = true;
					status = si.ssi_signo == SIGINT ? 130 : 0;
				}
			if (quit)
				break;
			int st;
			pid_t p;
			while ((p = waitpid(-1, &st, WNOHANG)) > 0) {
				if (p == builder) {
					builder = -1;
					char b;
					while (read(ready[0], &b, 1) == 1)
						;
					if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
						if (!restarted)
							restart(image, before, now - build_started,
								cmd, &old_mask);
					} else if (!restarted)
						fprintf(stderr, "kiln: the build failed (above); the "
							"running instance keeps serving\n");
					if (build_again) {
						build_again = false;
						build_at = now;
					}
				} else if (p == instance) {
					instance = -1;
					fprintf(stderr, "kiln: the appliance exited (status %d); "
						"waiting for a change\n",
						WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
				}
			}
		}
		if (pfd[2].revents) {
			char b;
			while (read(ready[0], &b, 1) == 1)
				;
			if (builder > 0 && !restarted) {
				restart(image, before, now - build_started, cmd, &old_mask);
				restarted = true;
			}
		}
		if (pfd[1].revents) {
			ssize_t len;
			bool any = false, new_dir = false;
			while ((len = read(ifd, evbuf, sizeof evbuf)) > 0)
				any |= relevant_events(evbuf, len, &new_dir);
			if (new_dir) {
				watch_tree(ifd, app_dir, 8);
				if (files_dir)
					watch_tree(ifd, files_dir, 16);
			}
			if (any) {
				if (builder >= 0)
					build_again = true;
				else if (build_at < 0)
					build_at = now + WATCH_SETTLE_MS;
			}
		}
		if (build_at >= 0 && now >= build_at && builder < 0) {
			build_at = -1;
			image_id(image, before, sizeof before);
			builder = start_build(req, ready[1], &old_mask);
			build_started = now;
			restarted = false;
		}
		for (unsigned i = 0; i < nr; i++)
			if (pfd[3 + i].revents)
				conn_accept(i, now);
		for (unsigned i = 0; i < WATCH_MAX_CONNS; i++) {
			struct conn *c = conns[i];
			if (c == NULL || slot_c[i] < 0)
				continue;
			short ce = pfd[slot_c[i]].revents;
			short ue = slot_u[i] >= 0 ? pfd[slot_u[i]].revents : 0;
			if (may_resend(c, now)) {
				c->patience *= 2;
				conn_connect(c, now);
			} else if (c->ufd < 0 && now >= c->retry_at)
				conn_connect(c, now);
			if (!conn_step(c, ce, ue, now))
				conn_free(i);
		}
	}
	stop_instance();
	if (builder > 0) {
		kill(builder, SIGTERM);
		waitpid(builder, NULL, 0);
	}
	for (unsigned i = 0; i < WATCH_MAX_CONNS; i++)
		if (conns[i])
			conn_free(i);
	return status;
}
