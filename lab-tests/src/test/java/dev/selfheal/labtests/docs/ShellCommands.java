package dev.selfheal.labtests.docs;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shell commands a learner is told to type: every line of the {@code bash}/{@code sh} fenced
 * code blocks of a Markdown file, with continuation lines joined, comments dropped, and lines that
 * hold several commands ({@code ;}, {@code &&}, {@code |}, {@code &}) split. Lines typed inside
 * {@code kubectl exec -it ... -- /bin/sh}, up to {@code exit}, are marked as run in the pod.
 */
final class ShellCommands {

  private static final Pattern FENCE = Pattern.compile("(?m)^\\s*```([a-z]*)\\s*$");

  private ShellCommands() {}

  /** One command: its words (quotes removed, {@code $(...)} kept whole) and where it is. */
  record Command(List<String> words, String file, int line, boolean inPod) {

    String name() {
      return words.get(0);
    }

    /** The word after {@code option}, or null. */
    String after(String option) {
      int i = words.indexOf(option);
      return i >= 0 && i + 1 < words.size() ? words.get(i + 1) : null;
    }

    @Override
    public String toString() {
      return file + ":" + line + (inPod ? " (in the pod)" : "") + ": " + String.join(" ", words);
    }
  }

  /** Every command in the shell code blocks of {@code markdown}. */
  static List<Command> extract(String file, String markdown) {
    List<Command> commands = new ArrayList<>();
    String[] lines = markdown.split("\n", -1);
    boolean inBlock = false;
    boolean shell = false;
    boolean inPod = false;
    StringBuilder pending = new StringBuilder();
    int pendingLine = 0;
    for (int i = 0; i < lines.length; i++) {
      Matcher fence = FENCE.matcher(lines[i]);
      if (fence.matches()) {
        inBlock = !inBlock;
        shell = inBlock && fence.group(1).matches("bash|sh|shell");
        inPod = false;
        continue;
      }
      if (!inBlock || !shell) {
        continue;
      }
      String line = lines[i].strip();
      if (pending.length() == 0) {
        pendingLine = i + 1;
      }
      if (line.endsWith("\\")) {
        pending.append(line, 0, line.length() - 1).append(' ');
        continue;
      }
      pending.append(line);
      String text = pending.toString();
      pending.setLength(0);
      for (List<String> words : split(text)) {
        if (words.isEmpty()) {
          continue;
        }
        if (inPod && words.get(0).equals("exit")) {
          inPod = false;
          continue;
        }
        Command command = new Command(List.copyOf(words), file, pendingLine, inPod);
        commands.add(command);
        if (!inPod
            && command.name().equals("kubectl")
            && words.contains("exec")
            && words.contains("-it")
            && words.get(words.size() - 1).equals("/bin/sh")) {
          inPod = true;
        }
      }
    }
    return commands;
  }

  /** Splits a line into commands and words, shell-style (enough of it for documentation). */
  static List<List<String>> split(String text) {
    List<List<String>> commands = new ArrayList<>();
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean inWord = false;
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == '\'' || c == '"') {
        int end = text.indexOf(c, i + 1);
        if (end < 0) {
          throw new IllegalArgumentException("unclosed quote in: " + text);
        }
        word.append(text, i + 1, end);
        inWord = true;
        i = end + 1;
      } else if (c == '$' && i + 1 < text.length() && text.charAt(i + 1) == '(') {
        int depth = 0;
        int j = i + 1;
        for (; j < text.length(); j++) {
          if (text.charAt(j) == '(') {
            depth++;
          } else if (text.charAt(j) == ')' && --depth == 0) {
            break;
          }
        }
        word.append(text, i, Math.min(j + 1, text.length()));
        inWord = true;
        i = j + 1;
      } else if (c == '#' && !inWord) {
        break;
      } else if (Character.isWhitespace(c)) {
        if (inWord) {
          words.add(word.toString());
          word.setLength(0);
          inWord = false;
        }
        i++;
      } else if (c == ';' || c == '|' || c == '&') {
        if (inWord) {
          words.add(word.toString());
          word.setLength(0);
          inWord = false;
        }
        commands.add(words);
        words = new ArrayList<>();
        i++;
        while (i < text.length() && (text.charAt(i) == '&' || text.charAt(i) == '|')) {
          i++;
        }
      } else {
        word.append(c);
        inWord = true;
        i++;
      }
    }
    if (inWord) {
      words.add(word.toString());
    }
    commands.add(words);
    return commands;
  }
}
