package dev.selfheal.labtests.code;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.LineMap;
import com.sun.source.tree.MethodTree;
import com.sun.source.util.JavacTask;
import com.sun.source.util.SourcePositions;
import com.sun.source.util.TreeScanner;
import com.sun.source.util.Trees;
import dev.selfheal.labtests.support.RepoPaths;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * Keeps main code in pieces a reader can hold: no file of any module's {@code src/main/java} over
 * {@value #MAX_FILE_LINES} lines, and no method or constructor over {@value #MAX_METHOD_LINES}
 * lines unless a comment in it or in the three lines above it says {@value #REASON} and why.
 * Methods are found by the JDK's own parser (javac's tree API), so multi-line signatures, nested
 * and anonymous classes count as they are.
 */
class SizeLimitsTest {

  static final int MAX_FILE_LINES = 300;
  static final int MAX_METHOD_LINES = 60;
  static final String REASON = "Over 60 lines:";

  /**
   * What was over the limits when this check came in (issue 19 split them all, so it is empty). The
   * list only shrinks: a new finding fails, and so does an entry that no longer needs to be here.
   */
  static final Set<String> NOT_YET_SPLIT = Set.of();

  @Test
  void noMainFileOrMethodIsOverTheLimitBeyondTheKnownOnes() throws IOException {
    List<Path> sources = mainSources();
    assertThat(sources).as("main sources found").hasSizeGreaterThan(100);

    Map<String, String> over = new TreeMap<>();
    for (Path file : sources) {
      String name = RepoPaths.root().relativize(file).toString().replace('\\', '/');
      findings(name, Files.readString(file)).forEach(f -> over.put(f.key(), f.text()));
    }
    Map<String, String> fresh = new TreeMap<>(over);
    fresh.keySet().removeAll(NOT_YET_SPLIT);
    Set<String> mended = new TreeSet<>(NOT_YET_SPLIT);
    mended.removeAll(over.keySet());

    assertThat(fresh.values())
        .as("files over %d lines, methods over %d", MAX_FILE_LINES, MAX_METHOD_LINES)
        .isEmpty();
    assertThat(mended).as("within the limits now: take them off NOT_YET_SPLIT").isEmpty();
  }

  @Test
  void theCheckFindsLongMethodsAndHonoursAReason() {
    String body = "    x++;\n".repeat(MAX_METHOD_LINES);
    String source =
        "class A {\n  void longOne() {\n    int x = 0;\n"
            + body
            + "  }\n\n  // "
            + REASON
            + " a table that reads best in one piece.\n  void explained() {\n    int x = 0;\n"
            + body
            + "  }\n\n  A(\n      int a) {\n"
            + body
            + "  }\n\n  int shortOne() {\n    return 1;\n  }\n}\n";

    assertThat(findings("A.java", source))
        .extracting(Finding::key)
        .containsExactlyInAnyOrder("A.java#longOne", "A.java#<init>");
  }

  @Test
  void theCheckFindsALongFile() {
    String source = "class B {\n" + "  int x;\n".repeat(MAX_FILE_LINES) + "}\n";

    assertThat(findings("B.java", source))
        .extracting(Finding::text)
        .containsExactly("B.java: " + (MAX_FILE_LINES + 2) + " lines");
  }

  @Test
  void shortMethodsInAShortFilePass() {
    assertThat(findings("C.java", "class C {\n  int one() {\n    return 1;\n  }\n}\n")).isEmpty();
  }

  /**
   * One thing over a limit: {@code key} names it without line numbers, {@code text} for a reader.
   */
  record Finding(String key, String text) {}

  /** What is over the limits in one source file, as lines a reader can act on. */
  static List<Finding> findings(String name, String source) {
    List<Finding> found = new ArrayList<>();
    String[] lines = source.split("\n", -1);
    int fileLines = source.endsWith("\n") ? lines.length - 1 : lines.length;
    if (fileLines > MAX_FILE_LINES) {
      found.add(new Finding(name, name + ": " + fileLines + " lines"));
    }
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    JavaFileObject unit = new InMemorySource(name, source);
    JavacTask task =
        (JavacTask) javac.getTask(null, null, d -> {}, List.of("-proc:none"), null, List.of(unit));
    SourcePositions positions = Trees.instance(task).getSourcePositions();
    try {
      for (CompilationUnitTree tree : task.parse()) {
        LineMap map = tree.getLineMap();
        new TreeScanner<Void, Void>() {
          @Override
          public Void visitMethod(MethodTree method, Void unused) {
            long start = positions.getStartPosition(tree, method);
            long end = positions.getEndPosition(tree, method);
            if (method.getBody() != null && start >= 0 && end >= 0) {
              int first = (int) map.getLineNumber(start);
              int last = (int) map.getLineNumber(end);
              if (last - first + 1 > MAX_METHOD_LINES && !explained(lines, first, last)) {
                found.add(
                    new Finding(
                        name + "#" + method.getName(),
                        name
                            + ":"
                            + first
                            + " "
                            + method.getName()
                            + " is "
                            + (last - first + 1)
                            + " lines"));
              }
            }
            return super.visitMethod(method, unused);
          }
        }.scan(tree, null);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return found;
  }

  /** A reason comment inside the method or in the three lines above its first line. */
  private static boolean explained(String[] lines, int first, int last) {
    for (int line = Math.max(1, first - 3); line <= last; line++) {
      String text = lines[line - 1].trim();
      if ((text.startsWith("//") || text.startsWith("*") || text.startsWith("/*"))
          && text.contains(REASON)) {
        return true;
      }
    }
    return false;
  }

  private static List<Path> mainSources() throws IOException {
    List<Path> sources = new ArrayList<>();
    for (String module : RepoPaths.modules()) {
      Path main = RepoPaths.resolve(module).resolve("src/main/java");
      if (Files.isDirectory(main)) {
        try (Stream<Path> files = Files.walk(main)) {
          files.filter(p -> p.toString().endsWith(".java")).sorted().forEach(sources::add);
        }
      }
    }
    return sources;
  }

  private static final class InMemorySource extends SimpleJavaFileObject {
    private final String source;

    InMemorySource(String name, String source) {
      super(URI.create("string:///" + name.replace('\\', '/')), Kind.SOURCE);
      this.source = source;
    }

    @Override
    public CharSequence getCharContent(boolean ignoreEncodingErrors) {
      return source;
    }
  }
}
