package dev.litequant.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the command line in-process and captures what it prints. */
record CliRunner(int exitCode, String out, String err) {
  static CliRunner run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
    return new CliRunner(code, out.toString(), err.toString());
  }

  /** A user error: exit code 2, one clear message, no stack trace. */
  boolean isCleanUserError() {
    return exitCode == Main.EXIT_USER_ERROR && err.startsWith("litequant: ") && !err.contains("\tat ")
        && !err.contains("Exception:");
  }
}
