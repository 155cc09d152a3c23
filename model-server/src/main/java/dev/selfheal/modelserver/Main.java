package dev.selfheal.modelserver;

/** Placeholder entry point. */
public final class Main {
  private Main() {}

  /** Starts nothing yet. */
  public static void main(String[] args) {
    org.tribuo.Model.class.getName();
  }
}
