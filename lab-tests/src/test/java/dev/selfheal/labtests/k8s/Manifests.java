package dev.selfheal.labtests.k8s;

import dev.selfheal.labtests.support.RepoPaths;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Loads the lab's Kubernetes manifests with fabric8's model classes, as {@code kubectl apply} would
 * read them.
 */
final class Manifests {

  static final String DEPLOYMENT_V1 = "k8s/deployment.yaml";
  static final String DEPLOYMENT_V2 = "k8s/deployment-v2.yaml";
  static final String SERVICE = "k8s/service.yaml";

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private Manifests() {}

  static Deployment deployment(String relativePath) {
    return load(relativePath, Deployment.class);
  }

  static Service service() {
    return load(SERVICE, Service.class);
  }

  static String text(String relativePath) {
    try {
      return Files.readString(RepoPaths.resolve(relativePath));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static <T extends HasMetadata> T load(String relativePath, Class<T> type) {
    return SERIALIZATION.unmarshal(text(relativePath), type);
  }

  /** The model-server container of a Deployment. */
  static Container container(Deployment deployment) {
    return deployment.getSpec().getTemplate().getSpec().getContainers().stream()
        .filter(c -> "model-server".equals(c.getName()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no container named model-server"));
  }

  /** The value of an env var of the container. */
  static String env(Container container, String name) {
    return container.getEnv().stream()
        .filter(e -> name.equals(e.getName()))
        .map(EnvVar::getValue)
        .findFirst()
        .orElseThrow(() -> new AssertionError("env " + name + " not set"));
  }

  /**
   * Every field that fabric8 could not map onto its model (a typo such as {@code readinesProbe}, or
   * a field in the wrong place) lands in some object's {@code additionalProperties}; this lists
   * them with their paths. The API server would reject or silently drop such fields.
   */
  static List<String> unknownFields(Object root) {
    List<String> found = new ArrayList<>();
    collectUnknown(root, "", found);
    return found;
  }

  private static void collectUnknown(Object node, String path, List<String> found) {
    if (node == null) {
      return;
    }
    if (node instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        collectUnknown(list.get(i), path + "[" + i + "]", found);
      }
      return;
    }
    if (node instanceof Map<?, ?> map) {
      map.forEach((k, v) -> collectUnknown(v, path + "." + k, found));
      return;
    }
    if (!node.getClass().getPackageName().startsWith("io.fabric8.kubernetes.api.model")) {
      return;
    }
    for (Method getter : node.getClass().getMethods()) {
      if (getter.getParameterCount() != 0
          || Modifier.isStatic(getter.getModifiers())
          || !getter.getName().startsWith("get")
          || getter.getDeclaringClass() == Object.class) {
        continue;
      }
      Object value;
      try {
        value = getter.invoke(node);
      } catch (IllegalAccessException | InvocationTargetException e) {
        continue;
      }
      String field = decapitalize(getter.getName().substring(3));
      if (field.equals("additionalProperties") && value instanceof Map<?, ?> extra) {
        extra.keySet().forEach(k -> found.add(path + "." + k));
      } else {
        collectUnknown(value, path + "." + field, found);
      }
    }
  }

  private static String decapitalize(String s) {
    return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
  }
}
