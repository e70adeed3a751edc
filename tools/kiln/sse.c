/* sse.c: the hvt image check for SSE/x87/AVX instructions, run by
 * scripts/check-sse over only the objects and archives changed since its
 * last passing run (docs/kiln-tool.md, "What a build does"). */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "kiln.h"

/* hvt images must hold no SSE/x87 instruction but 128-bit moves, which this
 * machine's hypervisor cannot run (docs/hvt-abi.md 7): scripts/check-sse
 * disassembles code. An image links only the application's objects and
 * kiln's archives, so those are checked, and only the ones newer than the
 * last passing check (sse.stamp): an edit costs one small object's
 * disassembly, not the image's. A failing image is removed, so that the
 * next build cannot take it for up to date. */
int sse_check(const struct build_result *res, const char *out_dir, const char *srcs,
		     const char *const *gen, const char *archives)
{
	enum { MAX_CHECK = 1100 };
	static char paths[MAX_CHECK][PATH_MAX];
	static char *argv[MAX_CHECK + 2];
	char script[PATH_MAX], stamp[PATH_MAX], word[PATH_MAX];
	struct stat st;
	struct timespec since = {0, 0};
	int n = 0;

	if (path_join(script, sizeof script, res->root, "scripts/check-sse") < 0 ||
	    access(script, X_OK) < 0)
		return 0; /* a tree without the check */
	if (path_join(stamp, sizeof stamp, out_dir, "sse.stamp") < 0)
		{
		kiln_error("path too long");
		return 1;
	}
	if (stat(stamp, &st) == 0)
		since = st.st_mtim;
	argv[n++] = script;
	/* Every object and archive: srcs's app/X.o, the generated X.o, archives. */
	for (int pass = 0; pass < 3; pass++) {
		const char *p = pass == 0 ? srcs : archives;
		for (int g = 0; pass == 1 ? gen[g] != NULL : g == 0; g++) {
			if (pass == 1)
				p = gen[g];
			while (*p) {
				size_t l = strcspn(p, " ");
				if (l > 0 && l < sizeof word) {
					memcpy(word, p, l);
					word[l] = '\0';
					char *o = paths[n];
					int w = pass == 0 ? snprintf(o, PATH_MAX, "%s/app/%.*s.o", out_dir,
								     (int)(l - 2), word)
						: pass == 1 ? snprintf(o, PATH_MAX, "%.*s.o", (int)(l - 2), word)
						: snprintf(o, PATH_MAX, "%s", word);
					if (w > 0 && w < PATH_MAX && n < MAX_CHECK && stat(o, &st) == 0 &&
					    (st.st_mtim.tv_sec > since.tv_sec ||
					     (st.st_mtim.tv_sec == since.tv_sec &&
					      st.st_mtim.tv_nsec >= since.tv_nsec)))
						argv[n] = paths[n], n++;
				}
				p += l;
				p += strspn(p, " ");
			}
		}
	}
	argv[n] = NULL;
	if (n == 1)
		return 0;
	/* The stamp's time is taken before the check, less 50 ms for the
	 * kernel's coarse file times: a file written meanwhile is checked
	 * again next time. */
	int fd = open(stamp, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	struct timespec t0;
	clock_gettime(CLOCK_REALTIME, &t0);
	t0.tv_nsec -= 50000000;
	if (t0.tv_nsec < 0)
		t0.tv_nsec += 1000000000, t0.tv_sec--;
	struct timespec times[2] = {t0, t0};
	int status = run_process(argv, true);
	if (status == 0) {
		if (fd >= 0)
			futimens(fd, times);
	} else {
		unlink(res->image);
		kiln_error("%s holds floating-point or vector instructions an hvt guest cannot run "
			   "(listed above; docs/hvt-abi.md section 7); image removed", res->image);
	}
	if (fd >= 0)
		close(fd);
	return status == 0 ? 0 : 1;
}

