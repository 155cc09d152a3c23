package dev.selfheal.recommender.stub;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the profile API stub: {@code java -cp recommender.jar
 * dev.selfheal.recommender.stub.ProfileApiStub}. Configuration from the environment (see {@link
 * StubConfig}); faults can be flipped at runtime through {@code POST /admin/faults}.
 */
public final class ProfileApiStub {

  private static final Logger LOG = LoggerFactory.getLogger(ProfileApiStub.class);

  private ProfileApiStub() {}

  /**
   * @param args ignored
   */
  public static void main(String[] args) throws Exception {
    StubConfig config;
    try {
      config = StubConfig.fromEnv(System.getenv());
    } catch (IllegalArgumentException e) {
      LOG.error("Invalid configuration: {}", e.getMessage());
      System.exit(2);
      return;
    }
    ProfileStubServer stub = ProfileStubServer.start(config);
    Runtime.getRuntime().addShutdownHook(new Thread(stub::close, "stub-shutdown"));
  }
}
