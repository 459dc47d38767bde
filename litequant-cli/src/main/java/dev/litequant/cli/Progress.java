package dev.litequant.cli;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * Progress of a long task on stderr: a bar redrawn in place on a terminal, or a plain line every
 * quarter when the output is a file or a pipe; nothing at all when quiet.
 */
final class Progress {
  private final PrintWriter err;
  private final String label;
  private final boolean terminal;
  private final boolean quiet;
  private int lastQuarter = -1;
  private long lastDraw;
  private boolean drawn;

  Progress(PrintWriter err, String label, boolean quiet) {
    this.err = err;
    this.label = label;
    this.quiet = quiet;
    this.terminal = System.console() != null && System.getenv("TERM") != null && !"dumb".equals(System.getenv("TERM"));
  }

  void update(int done, int total) {
    if (quiet) {
      return;
    }
    if (terminal) {
      long now = System.nanoTime();
      if (now - lastDraw < 100_000_000L && done != total) {
        return;
      }
      lastDraw = now;
      drawn = true;
      if (total > 0) {
        int width = 30;
        int filled = (int) ((long) width * done / total);
        err.printf(Locale.ROOT, "\r%s [%s%s] %d/%d", label, "#".repeat(filled), " ".repeat(width - filled), done, total);
      } else {
        err.printf(Locale.ROOT, "\r%s %d", label, done);
      }
      err.flush();
    } else if (total > 0) {
      int quarter = (int) (4L * done / total);
      if (quarter != lastQuarter && (quarter > 0 || done == 1)) {
        lastQuarter = quarter;
        err.printf(Locale.ROOT, "%s: %d/%d%n", label, done, total);
        err.flush();
      }
    } else if (done % 100 == 0) {
      err.printf(Locale.ROOT, "%s: %d%n", label, done);
      err.flush();
    }
  }

  /** Ends the bar's line, if one was drawn. */
  void finish() {
    if (drawn) {
      err.println();
      err.flush();
      drawn = false;
    }
  }
}
