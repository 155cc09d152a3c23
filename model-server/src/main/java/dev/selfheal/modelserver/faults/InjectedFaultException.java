package dev.selfheal.modelserver.faults;

/** A server-side failure injected on purpose (FAULT_ERROR_RATE). Counts as a model error. */
public final class InjectedFaultException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception. */
  public InjectedFaultException(String message) {
    super(message);
  }
}
