/* watch.c: `kiln run --watch`: rebuild on save and restart the appliance
 * (inotify, a build per change in a child process); the forwarded TCP
 * ports are held by relay.c meanwhile (docs/kiln-tool.md). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kiln.h"

/* The wait that folds an editor's burst of events into one build. */
#define WATCH_SETTLE_MS 2
/* Directories watched under the appliance (subdirectories, files). */
#define WATCH_MAX_DIRS 512

static pid_t instance = -1;

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
			relay_instance_down();
			return;
		}
		usleep(5000);
	}
	kill(instance, SIGKILL);
	waitpid(instance, NULL, 0);
	instance = -1;
	relay_instance_down();
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
	relay_instance_up();
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

	relay_init(r, nr);
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
		long long now = watch_now_ms(), wake = -1;
		nfds_t n = 0;

		pfd[n++] = (struct pollfd){.fd = sfd, .events = POLLIN};
		pfd[n++] = (struct pollfd){.fd = ifd, .events = POLLIN};
		pfd[n++] = (struct pollfd){.fd = ready[0], .events = POLLIN};
		n = relay_poll_fill(pfd, n, &wake);
		if (build_at >= 0 && (wake < 0 || build_at < wake))
			wake = build_at;
		int timeout = wake < 0 ? -1 : wake <= now ? 0 : (int)(wake - now);
		if (poll(pfd, n, timeout) < 0 && errno != EINTR)
			break;
		now = watch_now_ms();

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
		relay_poll_done(pfd, now);
	}
	stop_instance();
	if (builder > 0) {
		kill(builder, SIGTERM);
		waitpid(builder, NULL, 0);
	}
	relay_close_all();
	return status;
}
