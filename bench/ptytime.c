/* Time from fork to PATTERN appearing on a pty (80x24), for bench/tui.py:
 * the measurement of "the dashboard drawn" without Python's own start-up
 * in the figure.  usage: ptytime PATTERN PROGRAM ARGS...  (prints ms) */
#define _GNU_SOURCE
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct winsize ws = { 24, 80, 0, 0 };
	struct timespec t0, t1;
	static char seen[1 << 20];
	size_t len = 0;
	int fd;
	pid_t pid;

	if (argc < 3)
		return 2;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = forkpty(&fd, NULL, NULL, &ws);
	if (pid == 0) {
		execvp(argv[2], argv + 2);
		_exit(127);
	}
	for (;;) {
		struct pollfd p = { fd, POLLIN, 0 };
		ssize_t got;
		if (poll(&p, 1, 20000) <= 0)
			return 1;
		got = read(fd, seen + len, sizeof seen - 1 - len);
		if (got <= 0)
			return 1;
		len += (size_t)got;
		seen[len] = '\0';
		if (memmem(seen, len, argv[1], strlen(argv[1])))
			break;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("%.3f\n", (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6);
	fflush(stdout);
	if (write(fd, "Q", 1) < 0)
		return 1;
	/* Let it leave by itself; a stuck one is killed. */
	for (int i = 0; i < 200 && waitpid(pid, NULL, WNOHANG) == 0; i++) {
		char drain[4096];
		struct pollfd p = { fd, POLLIN, 0 };
		if (poll(&p, 1, 10) > 0 && read(fd, drain, sizeof drain) <= 0)
			break;
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return 0;
}
