package dev.selfheal.traffic.run;

import java.io.Console;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;

/**
 * Where a run's progress goes. On a terminal it is one status line, rewritten in place (a carriage
 * return and no newline) so a long wait shows live counts without scrolling; anywhere else (a pipe,
 * a file, a CI log) each report is a line of its own, so logs stay readable.
 */
public final class ProgressPrinter {

  private final PrintStream out;
  private final boolean live;
  private int shown;

  private ProgressPrinter(PrintStream out, boolean live) {
    this.out = out;
    this.live = live;
  }

  /** Rewrites one status line in place. */
  public static ProgressPrinter live(PrintStream out) {
    return new ProgressPrinter(out, true);
  }

  /** Prints every report on a line of its own. */
  public static ProgressPrinter lines(PrintStream out) {
    return new ProgressPrinter(out, false);
  }

  /** Live when {@code out} is the standard output and that is a terminal, else line by line. */
  public static ProgressPrinter forStream(PrintStream out) {
    return out == System.out && standardOutputIsATerminal() ? live(out) : lines(out);
  }

  /**
   * True when the JVM's standard input and output are a terminal. Up to Java 21 that is exactly
   * when {@link System#console()} exists; from Java 22 a console may exist for a redirected output
   * too, and {@code Console.isTerminal()} (not in Java 17's API, hence the reflective call) tells.
   */
  static boolean standardOutputIsATerminal() {
    Console console = System.console();
    if (console == null) {
      return false;
    }
    try {
      return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
    } catch (NoSuchMethodException e) {
      return true;
    } catch (IllegalAccessException | InvocationTargetException e) {
      return false;
    }
  }

  /** Whether reports replace each other on one line. */
  public boolean isLive() {
    return live;
  }

  /** Shows the current status: replaces the previous one when live, else prints a line. */
  public synchronized void status(String line) {
    if (!live) {
      out.println(line);
      return;
    }
    // Spaces over whatever a longer previous status left behind.
    out.print("\r" + line + " ".repeat(Math.max(0, shown - line.length())));
    out.flush();
    shown = line.length();
  }

  /** Prints a line that stays (a summary, a failure), after clearing a live status line. */
  public synchronized void println(String line) {
    if (live && shown > 0) {
      out.print("\r" + " ".repeat(shown) + "\r");
      shown = 0;
    }
    out.println(line);
  }
}
