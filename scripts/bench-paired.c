// Paired, alternating timing of short commands: bench-paired ROUNDS CMD... runs every command once per round
// (posix_spawn, stdout to /dev/null), in the given order on even rounds and reversed on odd ones, after 20
// warm-up rounds. Prints each command's median wall time and its median ratio to the LAST command, taken
// round by round, so drift of a shared VM (the two tools' medians moved by ±5% between hyperfine runs minutes
// apart) affects both sides of every ratio alike. A command is one string, split at blanks.
#define _GNU_SOURCE
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

extern char **environ;

static double now_us(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static int by_value(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static double run(char **argv, posix_spawn_file_actions_t *quiet) {
  pid_t pid;
  int status;
  double start = now_us();
  if (posix_spawn(&pid, argv[0], quiet, NULL, argv, environ) != 0) {
    fprintf(stderr, "bench-paired: cannot run %s\n", argv[0]);
    exit(2);
  }
  waitpid(pid, &status, 0);
  return now_us() - start;
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: bench-paired ROUNDS CMD CMD... (ratios are to the last)\n");
    return 2;
  }
  int rounds = atoi(argv[1]), n = argc - 2;
  char ***cmds = calloc(n, sizeof *cmds);
  double **times = calloc(n, sizeof *times), **ratios = calloc(n, sizeof *ratios);
  for (int i = 0; i < n; i++) {
    char *line = strdup(argv[i + 2]);
    cmds[i] = calloc(strlen(line) + 2, sizeof(char *));
    int words = 0;
    for (char *w = strtok(line, " "); w; w = strtok(NULL, " ")) cmds[i][words++] = w;
    times[i] = calloc(rounds, sizeof(double));
    ratios[i] = calloc(rounds, sizeof(double));
  }
  posix_spawn_file_actions_t quiet;
  posix_spawn_file_actions_init(&quiet);
  posix_spawn_file_actions_addopen(&quiet, 1, "/dev/null", O_WRONLY, 0);
  for (int r = 0; r < 20; r++)
    for (int i = 0; i < n; i++) run(cmds[i], &quiet);
  for (int r = 0; r < rounds; r++)
    for (int k = 0; k < n; k++) {
      int i = r % 2 ? n - 1 - k : k;
      times[i][r] = run(cmds[i], &quiet);
    }
  for (int r = 0; r < rounds; r++)
    for (int i = 0; i < n; i++) ratios[i][r] = times[i][r] / times[n - 1][r];
  for (int i = 0; i < n; i++) {
    qsort(times[i], rounds, sizeof(double), by_value);
    qsort(ratios[i], rounds, sizeof(double), by_value);
    printf("%-44.44s median %8.1f us (p25 %8.1f, p75 %8.1f)  ratio %.3f\n", argv[i + 2], times[i][rounds / 2],
           times[i][rounds / 4], times[i][3 * rounds / 4], ratios[i][rounds / 2]);
  }
  return 0;
}
