package dev.selfheal.rollback.controller;

import dev.selfheal.rollback.controller.Outcome.Action;
import dev.selfheal.rollback.decide.Decision;
import dev.selfheal.rollback.decide.Reason;
import dev.selfheal.rollback.decide.RollbackDecider;
import dev.selfheal.rollback.decide.Trigger;
import dev.selfheal.rollback.metrics.ControllerMetrics;
import dev.selfheal.rollback.observe.AlertNotification;
import dev.selfheal.rollback.observe.ClusterReader;
import dev.selfheal.runtime.log.LogSafe;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one webhook alert into a {@link Trigger}: invalid alerts and the rules that need no API
 * read first, then the alert's pod (if it names one) resolved to its ReplicaSet, outside any lock.
 */
final class AlertIntake {

  private static final Logger LOG = LoggerFactory.getLogger(AlertIntake.class);

  private final ClusterReader reader;
  private final RollbackDecider decider;
  private final ControllerMetrics metrics;
  private final Reconciler reconciler;

  AlertIntake(
      ClusterReader reader,
      RollbackDecider decider,
      ControllerMetrics metrics,
      Reconciler reconciler) {
    this.reader = reader;
    this.decider = decider;
    this.metrics = metrics;
    this.reconciler = reconciler;
  }

  /**
   * Handles one alert from a webhook notification. Resolving its pod happens outside any lock.
   *
   * @param alert the alert
   * @param receivedNanos when the request arrived
   * @return the outcome
   */
  Outcome handle(AlertNotification.Alert alert, long receivedNanos) {
    String ns = alert.labels().getOrDefault("namespace", "");
    String deployment = alert.labels().get("deployment");
    String description = "alert " + alert.alertName();
    if (alert.problem() != null) {
      metrics.ignored(Trigger.Kind.ALERT.label(), Reason.INVALID_ALERT.label());
      LOG.warn(
          "Rejected alerts[{}] ({}): {}",
          alert.index(),
          LogSafe.clean(alert.alertName()),
          LogSafe.clean(alert.problem()));
      return Outcome.ignored(ns, deployment, description, Reason.INVALID_ALERT, alert.problem());
    }
    String pod = alert.labels().get("pod");
    String hash = alert.labels().get("pod_template_hash");
    // Rules that need no API reads first, so irrelevant alerts cost nothing.
    Trigger probe =
        Trigger.alert(
                alert.alertName(),
                ns,
                deployment == null ? "" : deployment,
                null,
                alert.startsAt(),
                alert.firing())
            .withTemplateHash(hash);
    Optional<Decision> early = decider.precheck(probe);
    if (early.isPresent()) {
      return reconciler.ignored(probe, ns, deployment, early.get());
    }
    String replicaSet = null;
    if (pod != null) {
      // A running pod names the exact revision through its ReplicaSet.
      ClusterReader.PodOwner owner;
      try {
        owner = reader.ownerOfPod(ns, pod);
      } catch (KubernetesClientException e) {
        metrics.failure("read_failed");
        LOG.warn("Could not resolve pod {}/{}: {}", ns, pod, LogSafe.clean(e.getMessage()));
        return new Outcome(
            ns, deployment, description, Action.FAILED, null, "could not read pod " + pod);
      }
      if (owner.problem() == null) {
        deployment = owner.deployment();
        replicaSet = owner.replicaSet();
      } else if (deployment == null || owner.problem() != Reason.POD_NOT_FOUND) {
        // A pod that is gone is normal once a rollback replaced it: the deployment label and the
        // pod_template_hash label still let the decider judge the alert. Anything else is final.
        return reconciler.ignored(
            probe,
            ns,
            deployment,
            Decision.ignore(
                owner.problem(), "pod " + ns + "/" + pod + ": " + owner.problem().label()));
      }
    }
    Trigger trigger =
        Trigger.alert(alert.alertName(), ns, deployment, replicaSet, alert.startsAt(), true)
            .withTemplateHash(hash);
    return reconciler.handle(trigger, receivedNanos);
  }
}
