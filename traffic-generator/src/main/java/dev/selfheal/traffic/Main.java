package dev.selfheal.traffic;

import dev.selfheal.traffic.config.ArgsParser;
import dev.selfheal.traffic.config.TrafficConfig;
import dev.selfheal.traffic.run.TrafficRun;
import dev.selfheal.traffic.run.TrafficStats;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Command line entry point: parses the options, wires the client and the run, and maps the result
 * to an exit status (0 some prediction succeeded, 1 none did, 2 bad usage).
 */
public final class Main {

  private Main() {}

  /** Runs the generator; Ctrl-C ends it early with a summary. */
  public static void main(String[] args) throws InterruptedException {
    List<StopOnShutdown> hooks = new ArrayList<>(1);
    int status =
        run(
            args,
            System.out,
            System.err,
            trafficRun -> {
              StopOnShutdown hook = new StopOnShutdown(trafficRun::stop, Duration.ofSeconds(10));
              hooks.add(hook);
              Runtime.getRuntime().addShutdownHook(new Thread(hook, "traffic-stop"));
            });
    // Before System.exit: the hook then has nothing to wait for and the JVM ends at once.
    hooks.forEach(StopOnShutdown::finished);
    System.exit(status);
  }

  /** Hook to register a started run, e.g. for Ctrl-C. */
  @FunctionalInterface
  public interface OnStart {
    /** Called once, before any request is sent. */
    void started(TrafficRun run);
  }

  /** Parses, runs and returns the exit status; all output goes to {@code out} and {@code err}. */
  public static int run(String[] args, PrintStream out, PrintStream err, OnStart onStart)
      throws InterruptedException {
    Optional<TrafficConfig> parsed;
    try {
      parsed = ArgsParser.parse(args);
    } catch (IllegalArgumentException e) {
      err.println("traffic-generator: " + e.getMessage());
      err.println("Run with --help for the options.");
      return 2;
    }
    if (parsed.isEmpty()) {
      out.print(ArgsParser.USAGE);
      return 0;
    }
    TrafficConfig config = parsed.get();
    // The model server's FEEDBACK_TOKEN, when it has one (scripts/traffic.sh finds it).
    TrafficRun trafficRun = new TrafficRun(config, System.getenv("FEEDBACK_TOKEN"), out);
    onStart.started(trafficRun);
    TrafficStats.Snapshot result = trafficRun.run();
    if (result.ok() == 0) {
      err.println(
          "traffic-generator: no prediction succeeded; is the server reachable at "
              + config.baseUrl()
              + " ?");
      return 1;
    }
    return 0;
  }
}
