/*
 * The pod sandbox process of the local cluster (scripts/local-cluster.sh): it holds the pod's
 * namespaces open, reaps the zombies of processes that share its PID namespace, and exits when the
 * runtime stops the sandbox. No registry is reachable on the lab's CI machines, so this stands in for
 * the upstream pause image; it is built statically and is the image's only file.
 */
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static void stop(int signo) {
  (void)signo;
  _exit(0);
}

static void reap(int signo) {
  (void)signo;
  while (waitpid(-1, NULL, WNOHANG) > 0) {
  }
}

int main(void) {
  struct sigaction on_stop = {.sa_handler = stop};
  struct sigaction on_child = {.sa_handler = reap, .sa_flags = SA_NOCLDSTOP | SA_RESTART};
  sigaction(SIGINT, &on_stop, NULL);
  sigaction(SIGTERM, &on_stop, NULL);
  sigaction(SIGCHLD, &on_child, NULL);
  for (;;) {
    pause();
  }
}
