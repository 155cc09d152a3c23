package dev.selfheal.rollback.decide;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.Optional;

/**
 * The first rules of {@link RollbackDecider#decide}: whether the trigger and the Deployment are
 * ones the controller may act on at all, before it looks at their revisions.
 */
final class Eligibility {

  private Eligibility() {}

  /**
   * Rules that need nothing but the trigger: a resolved alert, an alert outside {@code
   * ALERT_NAMES}, a namespace outside {@code ALLOWED_NAMESPACES}.
   */
  static Optional<Decision> ofTrigger(Trigger trigger, RollbackPolicy policy) {
    if (!trigger.firing()) {
      return Optional.of(Decision.ignore(Reason.ALERT_RESOLVED, "alert is resolved"));
    }
    if (trigger.kind() == Trigger.Kind.ALERT && !policy.alertNames().contains(trigger.reason())) {
      return Optional.of(
          Decision.ignore(
              Reason.ALERT_NOT_ALLOWED, "alert " + trigger.reason() + " is not in ALERT_NAMES"));
    }
    if (!policy.namespaces().contains(trigger.namespace())) {
      return Optional.of(
          Decision.ignore(
              Reason.NAMESPACE_NOT_ALLOWED,
              "namespace " + trigger.namespace() + " is not in ALLOWED_NAMESPACES"));
    }
    return Optional.empty();
  }

  /** Rules about the Deployment itself: it exists, opted in, and no human paused it. */
  static Optional<Decision> ofDeployment(Deployment deployment, Trigger trigger) {
    if (deployment == null) {
      return Optional.of(
          Decision.ignore(
              Reason.DEPLOYMENT_NOT_FOUND,
              "deployment " + trigger.namespace() + "/" + trigger.deployment() + " not found"));
    }
    if (!Revisions.optedIn(deployment)) {
      return Optional.of(
          Decision.ignore(
              Reason.NOT_OPTED_IN, "deployment lacks label " + Revisions.OPT_IN_LABEL + "=true"));
    }
    if (Boolean.TRUE.equals(deployment.getSpec().getPaused())) {
      return Optional.of(
          Decision.ignore(Reason.PAUSED, "deployment is paused; a human is in charge"));
    }
    return Optional.empty();
  }

  /** The rule about the Deployment's own settings: an invalid annotation stops the controller. */
  static Optional<Decision> ofSettings(Overrides.Result settings) {
    if (settings.valid().isPresent()) {
      return Optional.empty();
    }
    return Optional.of(
        Decision.ignore(
            Reason.INVALID_OVERRIDE,
            settings.problem()
                + "; the controller does not act on this Deployment until it is fixed"));
  }
}
