package dev.selfheal.labtests.images;

import dev.selfheal.labtests.support.RepoPaths;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One container started from an image the way its manifest runs the pod, on the host's network (so
 * the test talks to it on 127.0.0.1 only, and no bridge or port mapping is needed).
 */
final class ImageContainer implements AutoCloseable {

  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /**
   * A probe's answer.
   *
   * @param status the HTTP status, -1 when nothing answered
   * @param body the body
   */
  record Answer(int status, String body) {}

  private final Docker docker;
  private final String name;
  private final int port;
  private final ManifestContainer spec;
  private final Path secretsDir;

  private ImageContainer(
      Docker docker, String name, int port, ManifestContainer spec, Path secretsDir) {
    this.docker = docker;
    this.name = name;
    this.port = port;
    this.spec = spec;
    this.secretsDir = secretsDir;
  }

  /** {@code docker run -d} with the manifest's limits, security settings, volumes and env. */
  static ImageContainer start(
      Docker docker,
      String tag,
      ManifestContainer spec,
      Map<String, String> settings,
      Map<String, Map<String, String>> secrets,
      int port) {
    String name = "lab-image-test-" + tag.replace(':', '-') + "-" + ProcessHandle.current().pid();
    docker.run(COMMAND_TIMEOUT, "rm", "-f", name);
    Path secretsDir = writeSecrets(secrets);
    List<String> args = new ArrayList<>(List.of("run", "-d", "--name", name, "--network", "host"));
    args.addAll(List.of("--cpus", Double.toString(spec.cpus())));
    // A pod has no swap: without --memory-swap Docker would let the container swap past its limit.
    args.addAll(List.of("--memory", spec.memoryBytes() + "b"));
    args.addAll(List.of("--memory-swap", spec.memoryBytes() + "b"));
    args.addAll(List.of("--user", spec.user() + ":" + spec.group()));
    if (spec.readOnlyRoot()) {
      args.add("--read-only");
    }
    if (spec.noNewPrivileges()) {
      args.addAll(List.of("--security-opt", "no-new-privileges"));
    }
    spec.dropCapabilities().forEach(c -> args.addAll(List.of("--cap-drop", c)));
    spec.emptyDirs()
        .forEach(
            (path, size) ->
                args.addAll(
                    List.of(
                        "--tmpfs",
                        size.isEmpty()
                            ? path
                            : path + ":rw,size=" + ManifestContainer.bytes(size))));
    spec.secretMounts()
        .forEach(
            (path, secret) -> {
              if (!secrets.containsKey(secret)) {
                throw new AssertionError("the test has no content for the Secret " + secret);
              }
              args.addAll(List.of("-v", secretsDir.resolve(secret) + ":" + path + ":ro"));
            });
    spec.env().forEach((k, v) -> args.addAll(List.of("-e", k + "=" + v)));
    settings.forEach((k, v) -> args.addAll(List.of("-e", k + "=" + v)));
    args.add(tag);
    Docker.Result run = docker.run(COMMAND_TIMEOUT, args);
    if (!run.succeeded()) {
      throw new AssertionError("docker " + String.join(" ", args) + " failed:\n" + run.output());
    }
    return new ImageContainer(docker, name, port, spec, secretsDir);
  }

  /** Each Secret as a directory of key files; readable by the container's uid. */
  private static Path writeSecrets(Map<String, Map<String, String>> secrets) {
    try {
      Path dir = Files.createTempDirectory(RepoPaths.target(), "image-secrets-");
      for (Map.Entry<String, Map<String, String>> secret : secrets.entrySet()) {
        Path secretDir = Files.createDirectories(dir.resolve(secret.getKey()));
        for (Map.Entry<String, String> key : secret.getValue().entrySet()) {
          Path file = Files.writeString(secretDir.resolve(key.getKey()), key.getValue());
          Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--r--r--"));
        }
        Files.setPosixFilePermissions(secretDir, PosixFilePermissions.fromString("rwxr-xr-x"));
      }
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * {@code GET path} on the container's port, as the kubelet's httpGet probe would; when nothing
   * answers, fails at once if the container has exited (with its logs).
   */
  Answer get(String path) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(5))
            .GET()
            .build();
    try {
      HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      return new Answer(response.statusCode(), response.body());
    } catch (ConnectException e) {
      String state = inspect("{{.State.Status}}");
      if (!state.equals("running")) {
        throw new AssertionError(
            String.format(
                "%s is %s (%s) before answering %s; logs:%n%s",
                name,
                state,
                inspect("exit {{.State.ExitCode}}, oomKilled {{.State.OOMKilled}}"),
                path,
                logs()));
      }
      return new Answer(-1, e.toString());
    } catch (IOException e) {
      return new Answer(-1, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The memory in use, as {@code docker stats --no-stream} shows it (e.g. "98MiB / 256MiB"). */
  String memoryUsage() {
    return docker
        .run(COMMAND_TIMEOUT, "stats", "--no-stream", "--format", "{{.MemUsage}}", name)
        .output()
        .strip();
  }

  /**
   * {@code docker stop} (SIGTERM, then SIGKILL after the pod's terminationGracePeriodSeconds) and
   * the exit code and OOM flag that follow, as "exit=N oomKilled=B".
   */
  String stop() {
    long grace = spec.terminationGrace().toSeconds();
    Docker.Result stop =
        docker.run(
            spec.terminationGrace().plus(COMMAND_TIMEOUT),
            "stop",
            "-t",
            Long.toString(grace),
            name);
    if (!stop.succeeded()) {
      throw new AssertionError("docker stop " + name + " failed:\n" + stop.output());
    }
    return inspect("exit={{.State.ExitCode}} oomKilled={{.State.OOMKilled}}");
  }

  /** The last lines the container logged. */
  String logs() {
    return docker.run(COMMAND_TIMEOUT, "logs", "--tail", "40", name).output();
  }

  private String inspect(String format) {
    return docker.run(COMMAND_TIMEOUT, "inspect", "-f", format, name).output().strip();
  }

  @Override
  public void close() {
    docker.run(COMMAND_TIMEOUT, "rm", "-f", name);
    try (Stream<Path> files = Files.walk(secretsDir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // Leftovers in target/ go with the next clean.
    }
  }
}
