/**
 * Reusable helpers for tests that run real processes: free ports, the repository layout, the model
 * server, Prometheus and Alertmanager as child processes, and a webhook receiver that records what
 * Alertmanager sends.
 *
 * <p>Every process helper is {@link java.lang.AutoCloseable} (use try-with-resources), captures the
 * child's output in {@code target/process-logs/} for diagnosis, and is also stopped by a JVM
 * shutdown hook if a test run is interrupted. A missing binary fails the test with the name of the
 * Debian package that provides it; it never skips.
 */
package dev.selfheal.labtests.support;
