/* linkhint.c: a failed link's undefined symbols mapped to the kiln library
 * that defines each, so that a library missing from kiln.conf's libs is
 * named instead of left as a raw linker error (docs/kiln-tool.md). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kiln.h"

int run_process_tee(char *const argv[], char *out, size_t len)
{
	int p[2], status;
	size_t used = 0;

	if (len == 0 || pipe(p) < 0)
		return 127;
	out[0] = '\0';
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return 127;
	}
	if (pid == 0) {
		dup2(p[1], 1);
		dup2(p[1], 2);
		close(p[0]);
		close(p[1]);
		execvp(argv[0], argv);
		fprintf(stderr, "kiln: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(p[1]);
	for (;;) {
		char buf[4096];
		ssize_t n = read(p[0], buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (write(2, buf, (size_t)n) < 0) {
			/* our stderr is gone: keep collecting */
		}
		/* Keep the first len-1 bytes: a link's errors come at once. */
		size_t take = (size_t)n < len - 1 - used ? (size_t)n : len - 1 - used;
		memcpy(out + used, buf, take);
		used += take;
		out[used] = '\0';
	}
	close(p[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return 127;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}

static bool ident_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '_';
}

/* True if text holds a definition of sym: a line that starts in column 0
 * with a letter (kiln's style puts the return type there), is not static,
 * names sym followed by '(' and does not end in ';' (a declaration). */
static bool defines(const char *text, const char *sym)
{
	size_t sl = strlen(sym);
	for (const char *p = strstr(text, sym); p; p = strstr(p + 1, sym)) {
		if ((p > text && ident_char(p[-1])) || p[sl] != '(')
			continue;
		const char *bol = p;
		while (bol > text && bol[-1] != '\n')
			bol--;
		const char *eol = strchr(p, '\n');
		if (!eol)
			eol = p + strlen(p);
		const char *last = eol;
		while (last > p && (last[-1] == ' ' || last[-1] == '\t' || last[-1] == '\r'))
			last--;
		if (!((*bol >= 'a' && *bol <= 'z') || (*bol >= 'A' && *bol <= 'Z')) ||
		    strncmp(bol, "static", 6) == 0 || (last > p && last[-1] == ';'))
			continue;
		return true;
	}
	return false;
}

/* The library under root/lib whose *.c files define sym, into lib. */
static bool find_library(const char *root, const char *sym, char *lib, size_t len)
{
	char libdir[PATH_MAX], dir[PATH_MAX], file[PATH_MAX];
	struct dirent *l, *f;
	bool found = false;

	if (path_join(libdir, sizeof libdir, root, "lib") < 0)
		return false;
	DIR *ld = opendir(libdir);
	if (!ld)
		return false;
	while (!found && (l = readdir(ld)) != NULL) {
		if (l->d_name[0] == '.' || !libgraph_exists(root, l->d_name) ||
		    path_join(dir, sizeof dir, libdir, l->d_name) < 0)
			continue;
		DIR *d = opendir(dir);
		if (!d)
			continue;
		while (!found && (f = readdir(d)) != NULL) {
			size_t n = strlen(f->d_name);
			if (n < 3 || strcmp(f->d_name + n - 2, ".c") ||
			    path_join(file, sizeof file, dir, f->d_name) < 0)
				continue;
			size_t tl;
			char *text = read_file(file, 1 << 22, &tl);
			if (text && defines(text, sym)) {
				snprintf(lib, len, "%.*s", KILN_LIB_NAME_MAX, l->d_name);
				found = true;
			}
			free(text);
		}
		closedir(d);
	}
	closedir(ld);
	return found;
}

int link_hints(const char *root, const char *out, const struct lib_list *have)
{
	enum { MAX_SYMS = 32 };
	char syms[MAX_SYMS][128];
	unsigned nsyms = 0;
	int hints = 0;
	static const char marker[] = "undefined reference to ";

	for (const char *p = strstr(out, marker); p && nsyms < MAX_SYMS;
	     p = strstr(p + 1, marker)) {
		const char *s = p + sizeof marker - 1;
		/* `sym', 'sym' or a UTF-8 quote, as ld's locale has it. */
		while (*s && !ident_char(*s) && s - p < (long)sizeof marker + 4)
			s++;
		size_t n = 0;
		while (ident_char(s[n]) && n < sizeof syms[0] - 1)
			n++;
		if (n == 0)
			continue;
		bool dup = false;
		for (unsigned i = 0; i < nsyms; i++)
			dup |= strncmp(syms[i], s, n) == 0 && syms[i][n] == '\0';
		if (dup)
			continue;
		memcpy(syms[nsyms], s, n);
		syms[nsyms++][n] = '\0';
	}
	for (unsigned i = 0; i < nsyms; i++) {
		char lib[KILN_LIB_NAME_MAX + 1];
		if (!find_library(root, syms[i], lib, sizeof lib))
			continue;
		bool linked = false;
		for (unsigned j = 0; j < have->n; j++)
			linked |= strcmp(have->name[j], lib) == 0;
		if (linked)
			continue; /* not a missing library: leave the linker's word */
		kiln_error("%s is in library %s: add it to libs in kiln.conf", syms[i], lib);
		hints++;
	}
	return hints;
}
