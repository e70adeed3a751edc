/* util.c: the kiln tool's paths, files and child processes. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kiln.h"

void kiln_error(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("kiln: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static bool is_root(const char *dir)
{
	char p[PATH_MAX];
	struct stat st;

	return snprintf(p, sizeof p, "%s/mk/appliance.mk", dir) < (int)sizeof p &&
	       stat(p, &st) == 0;
}

/* link_to(TARGET, LINK): LINK is a symbolic link to TARGET afterwards, made
 * beside and renamed into place, so that two kiln runs at once never see it
 * missing or half made. */
static int link_to(const char *target, const char *link, char *err, size_t errlen)
{
	char cur[PATH_MAX], tmp[PATH_MAX];
	ssize_t n = readlink(link, cur, sizeof cur - 1);

	if (n >= 0) {
		cur[n] = '\0';
		if (strcmp(cur, target) == 0)
			return 0;
	}
	if (snprintf(tmp, sizeof tmp, "%s.%ld", link, (long)getpid()) >= (int)sizeof tmp)
		goto fail;
	unlink(tmp);
	if (symlink(target, tmp) < 0 || rename(tmp, link) < 0) {
		unlink(tmp);
		goto fail;
	}
	return 0;
fail:
	snprintf(err, errlen, "cannot link %s to %s: %s", link, target, strerror(errno));
	return -1;
}

/* An installed kiln (make install): PREFIX/bin/kiln, its tree read-only in
 * PREFIX/share/kiln. kiln builds a tree's libraries into the tree's build/,
 * so an installed kiln's tree is a per-user one in the cache folder
 * ($XDG_CACHE_HOME/kiln, else ~/.cache/kiln): root-HASH (HASH of the
 * installed tree's path), whose mk, include, lib, platform, libc, hostnet
 * and scripts are links into PREFIX/share/kiln and whose build/bin holds
 * links to the installed programs. Nothing is written under PREFIX. */
static int installed_root(const char *prefix, char *root, size_t len, char *err,
			  size_t errlen)
{
	static const char *const dirs[] = {"mk", "include", "lib", "platform",
					   "libc", "hostnet", "scripts"};
	static const char *const progs[] = {"kiln", "tender", "tender-slirp", "kiln-crunch"};
	char share[PATH_MAX], cache[PATH_MAX], p[PATH_MAX], t[PATH_MAX];
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	uint32_t h = 2166136261u; /* FNV-1a */

	if (snprintf(share, sizeof share, "%s/share/kiln", prefix) >= (int)sizeof share ||
	    !is_root(share))
		return 1;
	for (const char *c = share; *c; c++)
		h = (h ^ (unsigned char)*c) * 16777619u;
	if (xdg && xdg[0] == '/')
		snprintf(cache, sizeof cache, "%s/kiln", xdg);
	else if (home && *home)
		snprintf(cache, sizeof cache, "%s/.cache/kiln", home);
	else {
		snprintf(err, errlen, "kiln is installed in %s but neither XDG_CACHE_HOME nor "
			 "HOME is set: its libraries are built in a per-user cache", prefix);
		return -1;
	}
	if (snprintf(root, len, "%s/root-%08x", cache, (unsigned)h) >= (int)len ||
	    snprintf(p, sizeof p, "%s/build/bin", root) >= (int)sizeof p ||
	    mkdir_p(p, err, errlen) < 0)
		return -1;
	for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
		if (path_join(t, sizeof t, share, dirs[i]) < 0 ||
		    path_join(p, sizeof p, root, dirs[i]) < 0 || link_to(t, p, err, errlen) < 0)
			return -1;
	}
	/* What make install found pkg-config and the compiler to say (mk/flags.mk). */
	if (snprintf(p, sizeof p, "%s/build/setup", root) >= (int)sizeof p ||
	    mkdir_p(p, err, errlen) < 0 || path_join(t, sizeof t, share, "config.mk") < 0 ||
	    snprintf(p, sizeof p, "%s/build/setup/config.mk", root) >= (int)sizeof p ||
	    link_to(t, p, err, errlen) < 0)
		return -1;
	for (size_t i = 0; i < sizeof progs / sizeof progs[0]; i++) {
		if (snprintf(t, sizeof t, "%s/bin/%s", prefix, progs[i]) >= (int)sizeof t ||
		    snprintf(p, sizeof p, "%s/build/bin/%s", root, progs[i]) >= (int)sizeof p ||
		    link_to(t, p, err, errlen) < 0)
			return -1;
	}
	return 0;
}

int kiln_find_root(char *root, size_t len, char *err, size_t errlen)
{
	const char *env = getenv("KILN_ROOT");
	char exe[PATH_MAX], *slash;
	ssize_t n;

	if (env && *env) {
		if (!is_root(env) || realpath(env, exe) == NULL) {
			snprintf(err, errlen, "KILN_ROOT=%s is not a kiln tree (no mk/appliance.mk)",
				 env);
			return -1;
		}
		return snprintf(root, len, "%s", exe) < (int)len ? 0 : -1;
	}
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n < 0) {
		snprintf(err, errlen, "cannot read /proc/self/exe: %s; set KILN_ROOT",
			 strerror(errno));
		return -1;
	}
	exe[n] = '\0';
	/* TREE/build/bin/kiln (the tree it was built in) or PREFIX/bin/kiln
	 * (installed): two and three folders up from the program. */
	for (int up = 0; up < 3; up++) {
		slash = strrchr(exe, '/');
		if (slash == NULL || slash == exe)
			break;
		*slash = '\0';
		if (up == 1) {
			int r = installed_root(exe, root, len, err, errlen);
			if (r <= 0)
				return r;
		}
	}
	if (!is_root(exe)) {
		snprintf(err, errlen, "cannot find the kiln tree above this program (%s) nor an "
			 "installed one (PREFIX/share/kiln beside PREFIX/bin/kiln); set KILN_ROOT",
			 exe);
		return -1;
	}
	return snprintf(root, len, "%s", exe) < (int)len ? 0 : -1;
}

int path_join(char *out, size_t len, const char *a, const char *b)
{
	size_t la = strlen(a);
	bool slash = la > 0 && a[la - 1] == '/';

	return snprintf(out, len, "%s%s%s", a, slash ? "" : "/", b) < (int)len ? 0 : -1;
}

int mkdir_p(const char *path, char *err, size_t errlen)
{
	char p[PATH_MAX];

	if (snprintf(p, sizeof p, "%s", path) >= (int)sizeof p) {
		snprintf(err, errlen, "%s: path too long", path);
		return -1;
	}
	for (char *s = p + 1;; s++) {
		if (*s == '/' || *s == '\0') {
			char c = *s;
			*s = '\0';
			if (mkdir(p, 0777) < 0 && errno != EEXIST) {
				snprintf(err, errlen, "%s: cannot create: %s", p, strerror(errno));
				return -1;
			}
			*s = c;
			if (c == '\0')
				return 0;
		}
	}
}

int run_process(char *const argv[], bool out_to_err)
{
	int status;
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		return 127;
	if (pid == 0) {
		if (out_to_err)
			dup2(2, 1);
		execvp(argv[0], argv);
		fprintf(stderr, "kiln: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return 127;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}

/* Characters a POSIX shell takes literally. */
static bool shell_safe(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s; s++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789_-./:=@%+,", *s))
			return false;
	return true;
}

void shell_join(char *const argv[], char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; argv[i] && used + 1 < len; i++) {
		if (i)
			buf[used++] = ' ';
		if (shell_safe(argv[i])) {
			used += (size_t)snprintf(buf + used, len - used, "%s", argv[i]);
			continue;
		}
		/* '...' with each ' written as '\'' */
		buf[used++] = '\'';
		for (const char *s = argv[i]; *s && used + 5 < len; s++) {
			if (*s == '\'') {
				memcpy(buf + used, "'\\''", 4);
				used += 4;
			} else
				buf[used++] = *s;
		}
		if (used + 1 < len)
			buf[used++] = '\'';
		buf[used < len ? used : len - 1] = '\0';
	}
	if (used >= len)
		buf[len - 1] = '\0';
}

char *read_file(const char *path, size_t max, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t cap = max < 4096 ? (max ? max : 1) : 4096, n = 0;
	char *buf;

	if (fd < 0)
		return NULL;
	buf = malloc(cap + 1);
	for (;;) {
		if (buf == NULL)
			break;
		if (n == cap) {
			if (cap >= max) {
				free(buf);
				buf = NULL;
				errno = EFBIG;
				break;
			}
			cap = cap * 2 < max ? cap * 2 : max;
			char *nb = realloc(buf, cap + 1);
			if (nb == NULL) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
		}
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;
			free(buf);
			buf = NULL;
			errno = e;
			break;
		}
		if (r == 0) {
			buf[n] = '\0';
			*len = n;
			break;
		}
		n += (size_t)r;
	}
	int e = errno;
	close(fd);
	errno = e;
	return buf;
}
