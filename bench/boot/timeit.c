/* timeit.c: boot-to-exit times of several commands, interleaved round by
 * round so that load on this shared machine falls on all of them alike
 * (bench/boot/run; issue 2 "What must show").
 *
 *   timeit RUNS 'CMD ARGS...' ['CMD ARGS...' ...]
 *
 * Each command string is split on spaces (no quoting) and started with
 * posix_spawn, output to /dev/null; the time is from spawn to the end of
 * waitpid. Prints one line per command: "median_us min_us status", where
 * status is the exit status of every run, or "mixed" if it varied. */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_CMDS 8
#define MAX_ARGS 32
#define MAX_RUNS 1000

extern char **environ;

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: timeit RUNS 'CMD ARGS...' ...\n");
		return 2;
	}
	int runs = atoi(argv[1]), ncmd = argc - 2;
	if (runs < 1 || runs > MAX_RUNS || ncmd > MAX_CMDS) {
		fprintf(stderr, "timeit: 1..%d runs, at most %d commands\n", MAX_RUNS, MAX_CMDS);
		return 2;
	}
	static char *args[MAX_CMDS][MAX_ARGS + 1];
	static double t[MAX_CMDS][MAX_RUNS];
	int status[MAX_CMDS];
	for (int c = 0; c < ncmd; c++) {
		int n = 0;
		for (char *tok = strtok(argv[c + 2], " "); tok && n < MAX_ARGS; tok = strtok(NULL, " "))
			args[c][n++] = tok;
		args[c][n] = NULL;
		status[c] = -2;
	}
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	/* One warm-up round (page cache, first-touch of the binaries). */
	for (int r = -1; r < runs; r++) {
		for (int c = 0; c < ncmd; c++) {
			pid_t pid;
			int ws;
			double t0 = now_us();
			if (posix_spawn(&pid, args[c][0], &fa, NULL, args[c], environ) != 0) {
				perror(args[c][0]);
				return 1;
			}
			waitpid(pid, &ws, 0);
			double dt = now_us() - t0;
			int st = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
			if (r < 0)
				continue;
			t[c][r] = dt;
			status[c] = status[c] == -2 || status[c] == st ? st : -1;
		}
	}
	for (int c = 0; c < ncmd; c++) {
		qsort(t[c], (size_t)runs, sizeof t[c][0], cmp);
		double med = runs % 2 ? t[c][runs / 2] : (t[c][runs / 2 - 1] + t[c][runs / 2]) / 2;
		if (status[c] >= 0)
			printf("%.0f %.0f %d\n", med, t[c][0], status[c]);
		else
			printf("%.0f %.0f mixed\n", med, t[c][0]);
	}
	return 0;
}
