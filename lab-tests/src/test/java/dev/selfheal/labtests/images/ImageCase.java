package dev.selfheal.labtests.images;

import dev.selfheal.labtests.images.ManifestContainer.Probe.Kind;
import dev.selfheal.testsupport.FreePort;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * One of the lab's four images: the build command its docs give, the manifest that runs it, the
 * settings a lone container needs besides the manifest's, and what its probes must answer then.
 *
 * @param buildCommand the {@code docker build} line exactly as the docs print it
 * @param documentedIn the doc that prints it
 * @param manifest the manifest file
 * @param deployment the Deployment's name in it
 * @param container the container's name in it
 * @param surroundings starts what the container needs around it and gives its extra env; what each
 *     needs is said where the case is defined
 * @param secrets secret name to its files (key to content), for the manifest's secret volumes
 * @param expected what the probes answer, in order; the first is the "serving" moment timed
 */
record ImageCase(
    String buildCommand,
    String documentedIn,
    String manifest,
    String deployment,
    String container,
    Supplier<Surroundings> surroundings,
    Map<String, Map<String, String>> secrets,
    List<Expect> expected) {

  /**
   * An expected probe answer.
   *
   * @param kind which declared probe (its path comes from the manifest)
   * @param status the HTTP status
   * @param bodyContains a fragment the body must hold ("" for any)
   */
  record Expect(Kind kind, int status, String bodyContains) {}

  /** The image tag, from {@code -t}. */
  String tag() {
    List<String> words = List.of(buildCommand.split(" "));
    return words.get(words.indexOf("-t") + 1);
  }

  @Override
  public String toString() {
    return tag();
  }

  /** The four images, in the order the exercises build them. */
  static List<ImageCase> all() {
    return List.of(
        modelServer("docker build -t model-server:v1 .", "k8s/deployment.yaml"),
        modelServer("docker build -t model-server:v2 -f Dockerfile.v2 .", "k8s/deployment-v2.yaml"),
        rollbackController(),
        recommender());
  }

  /** The model server needs nothing but its port: it must turn ready under the limits. */
  private static ImageCase modelServer(String command, String manifest) {
    return new ImageCase(
        command,
        "README.md",
        manifest,
        "model-server",
        "model-server",
        () -> (m, port) -> Map.of("PORT", Integer.toString(port)),
        Map.of(),
        List.of(
            new Expect(Kind.READINESS, 200, ""),
            new Expect(Kind.STARTUP, 200, ""),
            new Expect(Kind.LIVENESS, 200, "")));
  }

  /**
   * The controller against an empty stand-in API server ({@link ApiServerStandIn}) and a generated
   * webhook token for its Secret volume: it takes the Lease and turns ready.
   */
  private static ImageCase rollbackController() {
    return new ImageCase(
        "docker build -t rollback-controller:v1 -f rollback-controller/Dockerfile .",
        "EXERCISES.md",
        "k8s/rollback-controller.yaml",
        "rollback-controller",
        "rollback-controller",
        ApiServerStandIn::new,
        Map.of("rollback-controller-token", Map.of("token", "image-test-" + UUID.randomUUID())),
        List.of(
            new Expect(Kind.READINESS, 200, "\"leader\":true"),
            new Expect(Kind.STARTUP, 200, ""),
            new Expect(Kind.LIVENESS, 200, "")));
  }

  /**
   * The recommender with Redis and the profile API absent: both point at closed loopback ports (the
   * manifest's names redis and profile-api would go to the host's DNS). It must stay alive and say
   * why it is not ready; its startupProbe keeps failing, as it would in a pod whose Redis is down.
   */
  private static ImageCase recommender() {
    return new ImageCase(
        "docker build -t recommender:v1 -f recommender/Dockerfile .",
        "EXERCISES.md",
        "k8s/recommender.yaml",
        "recommender",
        "recommender",
        () ->
            (m, port) -> {
              Map<String, String> env = new LinkedHashMap<>();
              env.put("PORT", Integer.toString(port));
              env.put("REDIS_HOST", "127.0.0.1");
              env.put("REDIS_PORT", Integer.toString(FreePort.find()));
              env.put("PROFILE_API_URL", "http://127.0.0.1:" + FreePort.find());
              return env;
            },
        Map.of(),
        List.of(
            new Expect(Kind.LIVENESS, 200, "\"status\":\"ok\""),
            new Expect(Kind.STARTUP, 503, "\"status\":\"starting\""),
            new Expect(Kind.READINESS, 503, "Redis at 127.0.0.1")));
  }
}
