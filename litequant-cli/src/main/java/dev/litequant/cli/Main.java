package dev.litequant.cli;

import dev.litequant.LiteQuantException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code litequant} command line. Exit codes: 0 success, 2 user error, 1 internal error. */
@Command(
    name = "litequant",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = {
      "Post-training quantization of TensorFlow Lite models, in pure Java.",
      "",
      "Run 'litequant COMMAND --help' for what each command does, with examples."
    },
    subcommands = {InspectCommand.class, QuantizeCommand.class, EvaluateCommand.class, RunCommand.class,
        CommandLine.HelpCommand.class},
    footer = {
      "",
      "Exit codes: 0 success; 2 bad input or options (the message says what is",
      "wrong and where); 1 internal error.",
      "Set LITEQUANT_DEBUG=1 to print stack traces."
    })
public final class Main implements Runnable {
  public static final int EXIT_USER_ERROR = 2;
  public static final int EXIT_INTERNAL_ERROR = 1;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: try 'litequant --help'.");
  }

  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs the command line with the given streams and returns the exit code (for tests). */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cl = new CommandLine(new Main());
    cl.setOut(out);
    cl.setErr(err);
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      if (e instanceof LiteQuantException) {
        commandLine.getErr().println("litequant: " + e.getMessage());
        debugTrace(e, commandLine.getErr());
        return EXIT_USER_ERROR;
      }
      commandLine.getErr().println("litequant: internal error: " + e
          + "\nThis is a bug in LiteQuant; please report it with the command you ran.");
      debugTrace(e, commandLine.getErr());
      return EXIT_INTERNAL_ERROR;
    });
    cl.setParameterExceptionHandler((e, args1) -> {
      CommandLine c = e.getCommandLine();
      c.getErr().println("litequant: " + e.getMessage());
      c.getErr().println("Run '" + c.getCommandSpec().qualifiedName() + " --help' for usage.");
      return EXIT_USER_ERROR;
    });
    int code = cl.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  private static void debugTrace(Exception e, PrintWriter err) {
    if (System.getenv("LITEQUANT_DEBUG") != null) {
      e.printStackTrace(err);
    }
  }

  /** Version from the jar manifest, when there is one. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"litequant " + (v == null ? "(development build)" : v),
          "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"};
    }
  }
}
