package dev.selfheal.labtests.docs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * A scratch copy of the repository layout for running one of the lab's scripts without the tools it
 * drives: {@code repo} holds the files the test copies in, {@code bin} a PATH of shims that append
 * "name args" to {@code calls.log} before running their body, and wrappers for the few core
 * utilities the script may use. Shared by the tests of the scripts so that the shims record their
 * calls the same way everywhere.
 *
 * @param repo the copy of the repository the script runs from
 * @param bin the directory to put on PATH
 * @param calls the log every shim appends its call to
 * @param interpreter the shims' {@code #!} interpreter, such as {@code /bin/sh}
 */
record ScriptSandbox(Path repo, Path bin, Path calls, String interpreter) {

  /** Creates {@code repo/scripts}, {@code bin} and an empty call log under {@code temp}. */
  static ScriptSandbox in(Path temp, String interpreter) throws IOException {
    ScriptSandbox sandbox =
        new ScriptSandbox(
            temp.resolve("repo"), temp.resolve("bin"), temp.resolve("calls.log"), interpreter);
    Files.createDirectories(sandbox.repo.resolve("scripts"));
    Files.createDirectories(sandbox.bin);
    Files.createFile(sandbox.calls);
    return sandbox;
  }

  /** Copies {@code file} (relative to the repository root) into the sandbox's repository. */
  void copy(String file) throws IOException {
    Files.createDirectories(repo.resolve(file).getParent());
    Files.copy(Repo.path(file), repo.resolve(file));
  }

  /**
   * Puts a wrapper for each utility on PATH, found on this machine ({@code debianPackage} names
   * where to get it). A wrapper rather than a symbolic link: JUnit warns about links when it cleans
   * up.
   */
  void wrap(List<String> utilities, String debianPackage) throws IOException {
    for (String utility : utilities) {
      executable(
          bin.resolve(utility),
          "#!/bin/sh\nexec '" + Shell.which(utility, debianPackage) + "' \"$@\"\n");
    }
  }

  /** Writes a shim that records "name args" and then runs {@code body}. */
  void shim(String name, String body) throws IOException {
    executable(
        bin.resolve(name),
        "#!" + interpreter + "\necho \"" + name + " $*\" >> '" + calls + "'\n" + body + "\n");
  }

  /** The calls the shims recorded, oldest first. */
  List<String> recordedCalls() throws IOException {
    return Files.readAllLines(calls);
  }

  private static void executable(Path file, String text) throws IOException {
    Files.writeString(file, text, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }
}
