package dev.selfheal.labtests.code;

import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.labtests.support.RepoPaths;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No package of any module's main code depends, through other packages, on itself: packages by
 * responsibility (STYLE.md, practice 1) only hold when their dependencies point one way. The graph
 * is read from the {@code package} and {@code import} lines of {@code src/main/java} (fully
 * qualified names in code bodies are not seen); an import of a nested type or a static member
 * counts for the package that declares it.
 */
class PackageCyclesTest {

  private static final Pattern PACKAGE = Pattern.compile("(?m)^package\\s+([\\w.]+)\\s*;");
  private static final Pattern IMPORT =
      Pattern.compile("(?m)^import\\s+(?:static\\s+)?([\\w.]+?)(?:\\.\\*)?\\s*;");

  @Test
  void noModuleHasAPackageCycleInItsMainCode() throws IOException {
    Map<String, Map<String, Set<String>>> graphs = new TreeMap<>();
    for (String module : RepoPaths.modules()) {
      Path main = RepoPaths.resolve(module).resolve("src/main/java");
      if (Files.isDirectory(main)) {
        graphs.put(module, packageGraph(main));
      }
    }
    assertThat(graphs).as("modules with main code").containsKeys("recommender", "model-server");

    List<String> cycles = new ArrayList<>();
    graphs.forEach(
        (module, graph) -> {
          for (Set<String> component : stronglyConnected(graph)) {
            cycles.add(module + ": " + String.join(" <-> ", component));
          }
        });
    assertThat(cycles).as("package cycles").isEmpty();
  }

  @Test
  void theCheckFindsACycle() {
    Map<String, Set<String>> graph = new HashMap<>();
    graph.put("a.cache", Set.of("a.service", "a.ranking"));
    graph.put("a.service", Set.of("a.cache"));
    graph.put("a.ranking", Set.of());
    graph.put("a.server", Set.of("a.service", "a.server"));

    assertThat(stronglyConnected(graph))
        .singleElement()
        .isEqualTo(new TreeSet<>(Set.of("a.cache", "a.service")));
  }

  /** Package to the other packages of this source tree its files import from. */
  static Map<String, Set<String>> packageGraph(Path sourceRoot) throws IOException {
    Map<Path, String> texts = new HashMap<>();
    try (Stream<Path> files = Files.walk(sourceRoot)) {
      files.filter(p -> p.toString().endsWith(".java")).forEach(p -> texts.put(p, read(p)));
    }
    Map<Path, String> packageOf = new HashMap<>();
    Set<String> packages = new TreeSet<>();
    texts.forEach(
        (file, text) -> {
          Matcher p = PACKAGE.matcher(text);
          String name = p.find() ? p.group(1) : "";
          packageOf.put(file, name);
          packages.add(name);
        });
    Map<String, Set<String>> graph = new TreeMap<>();
    packages.forEach(p -> graph.put(p, new TreeSet<>()));
    texts.forEach(
        (file, text) -> {
          String from = packageOf.get(file);
          Matcher i = IMPORT.matcher(text);
          while (i.find()) {
            String to = declaringPackage(i.group(1), packages);
            if (to != null && !to.equals(from)) {
              graph.get(from).add(to);
            }
          }
        });
    return graph;
  }

  /** The longest known package that {@code name} starts with, or null for other modules' code. */
  private static String declaringPackage(String name, Set<String> packages) {
    String candidate = name;
    while (true) {
      if (packages.contains(candidate)) {
        return candidate;
      }
      int dot = candidate.lastIndexOf('.');
      if (dot < 0) {
        return null;
      }
      candidate = candidate.substring(0, dot);
    }
  }

  /** Tarjan's algorithm: the strongly connected components of more than one package. */
  static List<Set<String>> stronglyConnected(Map<String, Set<String>> graph) {
    Map<String, Integer> index = new HashMap<>();
    Map<String, Integer> low = new HashMap<>();
    Deque<String> stack = new ArrayDeque<>();
    Set<String> onStack = new TreeSet<>();
    List<Set<String>> components = new ArrayList<>();
    for (String start : new TreeSet<>(graph.keySet())) {
      if (!index.containsKey(start)) {
        visit(start, graph, index, low, stack, onStack, components);
      }
    }
    return components;
  }

  private static void visit(
      String node,
      Map<String, Set<String>> graph,
      Map<String, Integer> index,
      Map<String, Integer> low,
      Deque<String> stack,
      Set<String> onStack,
      List<Set<String>> components) {
    index.put(node, index.size());
    low.put(node, index.get(node));
    stack.push(node);
    onStack.add(node);
    for (String next : graph.getOrDefault(node, Set.of())) {
      if (!index.containsKey(next)) {
        visit(next, graph, index, low, stack, onStack, components);
        low.put(node, Math.min(low.get(node), low.get(next)));
      } else if (onStack.contains(next)) {
        low.put(node, Math.min(low.get(node), index.get(next)));
      }
    }
    if (low.get(node).equals(index.get(node))) {
      Set<String> component = new TreeSet<>();
      String member;
      do {
        member = stack.pop();
        onStack.remove(member);
        component.add(member);
      } while (!member.equals(node));
      if (component.size() > 1) {
        components.add(component);
      }
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
