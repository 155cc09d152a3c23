package dev.selfheal.labtests.docs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Numbers in the lab's Markdown that link to the file they come from, and the check that they still
 * agree with it.
 *
 * <p>A link {@code [5 s](k8s/deployment.yaml "spec.template.spec.containers[name=model-server]
 * .readinessProbe.periodSeconds")} says: the number in the link text is the value at that key of
 * that file. Supported targets:
 *
 * <ul>
 *   <li>YAML ({@code .yaml}/{@code .yml}): a dotted path; {@code [2]} picks a list element by
 *       index, {@code [name=x]} the element whose field {@code name} is {@code x}. A file with
 *       several documents needs a {@code Kind/name } prefix, e.g. {@code Deployment/recommender
 *       spec.replicas}.
 *   <li>Java: the name of a constant ({@code NAME = ...}) or an environment variable read with a
 *       default ({@code "NAME", default}); the first number after it is the value.
 *   <li>{@code .properties}: the key.
 * </ul>
 *
 * <p>A reference link {@code [5 s][v1-readiness-period]} works the same way through its definition
 * {@code [v1-readiness-period]: k8s/deployment.yaml "spec.template...periodSeconds"}, which keeps
 * the long key out of the sentence.
 *
 * <p>The value matches when its first number equals the link text's first number ({@code "30s"} and
 * {@code 30 s}, {@code "200m"} and {@code 200m}, {@code model_accuracy < 0.90} and {@code 0.90}). A
 * link text without a number must equal the key itself (it names the setting).
 */
final class SourceLinks {

  /** {@code [text](target "title")} with a title: only such links are checked. */
  private static final Pattern LINK =
      Pattern.compile("\\[([^\\]]+)\\]\\(([^)\\s\"]+)\\s+\"([^\"]+)\"\\)");

  /** {@code [text][label]}: resolved through a definition. */
  private static final Pattern REFERENCE = Pattern.compile("\\[([^\\]]+)\\]\\[([^\\]]+)\\]");

  /** {@code [label]: target "title"} on a line of its own. */
  static final Pattern DEFINITION =
      Pattern.compile("(?m)^\\[([^\\]]+)\\]:\\s+(\\S+)(?:\\s+\"([^\"]*)\")?\\s*$");

  private static final Pattern NUMBER = Pattern.compile("-?\\d+(?:\\.\\d+)?");
  private static final Pattern SEGMENT = Pattern.compile("([^.\\[\\]]+)((?:\\[[^\\]]+\\])*)");
  private static final Pattern SELECTOR = Pattern.compile("\\[([^\\]]+)\\]");

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private SourceLinks() {}

  /** One checked link: where it points and what the text claims. */
  record Link(String text, String file, String key, int line) {

    @Override
    public String toString() {
      return "line " + line + ": [" + text + "](" + file + " \"" + key + "\")";
    }
  }

  /**
   * Every titled link in {@code markdown}, inline or by reference, whose target is a YAML, Java or
   * properties file.
   *
   * @throws IllegalArgumentException for a reference link without a definition
   */
  static List<Link> find(String markdown) {
    List<Link> links = new ArrayList<>();
    Matcher matcher = LINK.matcher(markdown);
    while (matcher.find()) {
      String file = matcher.group(2);
      if (isSource(file)) {
        links.add(new Link(matcher.group(1), file, matcher.group(3), line(markdown, matcher)));
      }
    }
    Map<String, String[]> definitions = new HashMap<>();
    Matcher definition = DEFINITION.matcher(markdown);
    while (definition.find()) {
      definitions.put(
          definition.group(1).toLowerCase(Locale.ROOT),
          new String[] {definition.group(2), definition.group(3)});
    }
    Matcher reference = REFERENCE.matcher(markdown);
    while (reference.find()) {
      String[] target = definitions.get(reference.group(2).toLowerCase(Locale.ROOT));
      if (target == null) {
        throw new IllegalArgumentException(
            "line "
                + line(markdown, reference)
                + ": no definition of ["
                + reference.group(2)
                + "]");
      }
      if (isSource(target[0]) && target[1] != null) {
        links.add(new Link(reference.group(1), target[0], target[1], line(markdown, reference)));
      }
    }
    links.sort(java.util.Comparator.comparingInt(Link::line));
    return links;
  }

  private static boolean isSource(String file) {
    return file.matches(".*\\.(ya?ml|java|properties)");
  }

  private static int line(String markdown, Matcher matcher) {
    return 1 + (int) markdown.substring(0, matcher.start()).chars().filter(c -> c == '\n').count();
  }

  /**
   * Checks one link against the file's text, as read by {@code files}.
   *
   * @return empty when it agrees, else what is wrong
   */
  static Optional<String> check(Link link, Function<String, String> files) {
    String source;
    try {
      source = files.apply(link.file());
    } catch (UncheckedIOException e) {
      return Optional.of(link + ": cannot read " + link.file());
    }
    Optional<String> value;
    try {
      value = lookup(link.file(), source, link.key());
    } catch (IllegalArgumentException e) {
      return Optional.of(link + ": " + e.getMessage());
    }
    if (value.isEmpty()) {
      return Optional.of(link + ": no key " + link.key() + " in " + link.file());
    }
    Optional<BigDecimal> claimed = firstNumber(link.text());
    if (claimed.isEmpty()) {
      return link.text().equals(link.key())
          ? Optional.empty()
          : Optional.of(link + ": a link without a number must name its key");
    }
    Optional<BigDecimal> actual = firstNumber(value.get());
    if (actual.isEmpty() || actual.get().compareTo(claimed.get()) != 0) {
      return Optional.of(
          link + ": the text says " + link.text() + " but the file says " + value.get());
    }
    return Optional.empty();
  }

  static Optional<BigDecimal> firstNumber(String text) {
    Matcher matcher = NUMBER.matcher(text);
    return matcher.find() ? Optional.of(new BigDecimal(matcher.group())) : Optional.empty();
  }

  private static Optional<String> lookup(String file, String source, String key) {
    if (file.endsWith(".java")) {
      Matcher matcher =
          Pattern.compile(
                  "(?:\""
                      + Pattern.quote(key)
                      + "\"\\s*,|\\b"
                      + Pattern.quote(key)
                      + "\\s*=)([^;]*)")
              .matcher(source);
      return matcher.find() ? Optional.of(matcher.group(1)) : Optional.empty();
    }
    if (file.endsWith(".properties")) {
      Properties properties = new Properties();
      try {
        properties.load(new StringReader(source));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return Optional.ofNullable(properties.getProperty(key));
    }
    return yaml(source, key);
  }

  private static Optional<String> yaml(String source, String key) {
    List<JsonNode> documents = new ArrayList<>();
    try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(source)) {
      while (it.hasNext()) {
        JsonNode document = it.next();
        if (document != null && !document.isNull()) {
          documents.add(document);
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("unparseable YAML: " + e.getMessage(), e);
    }
    String path = key;
    JsonNode node;
    int space = key.indexOf(' ');
    if (space > 0) {
      String[] kindName = key.substring(0, space).split("/", 2);
      path = key.substring(space + 1);
      node =
          documents.stream()
              .filter(d -> d.path("kind").asText().equals(kindName[0]))
              .filter(d -> d.path("metadata").path("name").asText().equals(kindName[1]))
              .findFirst()
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "no document " + kindName[0] + "/" + kindName[1]));
    } else if (documents.size() == 1) {
      node = documents.get(0);
    } else {
      throw new IllegalArgumentException(
          documents.size() + " documents: prefix the key with Kind/name");
    }
    for (String part : path.split("\\.(?![^\\[]*\\])")) {
      Matcher segment = SEGMENT.matcher(part);
      if (!segment.matches()) {
        throw new IllegalArgumentException("bad path segment " + part);
      }
      node = node.path(segment.group(1));
      Matcher selector = SELECTOR.matcher(segment.group(2));
      while (selector.find()) {
        node = select(node, selector.group(1));
      }
    }
    if (node.isMissingNode() || node.isNull() || node.isContainerNode()) {
      return Optional.empty();
    }
    return Optional.of(node.asText());
  }

  private static JsonNode select(JsonNode list, String selector) {
    if (selector.matches("\\d+")) {
      return list.path(Integer.parseInt(selector));
    }
    String[] fieldValue = selector.split("=", 2);
    if (fieldValue.length == 2) {
      for (JsonNode element : list) {
        if (element.path(fieldValue[0]).asText().equals(fieldValue[1])) {
          return element;
        }
      }
    }
    return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
  }
}
