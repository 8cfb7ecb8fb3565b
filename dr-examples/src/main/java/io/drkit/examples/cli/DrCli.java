package io.drkit.examples.cli;

import io.drkit.core.util.Redaction;
import io.drkit.core.util.Terminal;
import io.drkit.examples.support.Logging;
import io.drkit.examples.options.DrOptions;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The {@code dr} command line: look at backups, plan and apply restores, verify backups, restore images without
 * Longhorn or serve them over NBD, audit backup freshness and policy, and run the disaster-recovery drill. Run
 * {@code dr --help} or {@code dr <command> --help}.
 */
@Command(name = "dr", mixinStandardHelpOptions = true, version = "dr (drkit) 0.1.0",
        description = "Disaster recovery for Kubernetes clusters that keep their data on Longhorn.",
        footer = ExitCodes.HELP)
public final class DrCli implements Callable<Integer> {
    /** The commands, in the order help lists them (added by {@link #commandLine}, not by the annotation). */
    static final List<Class<?>> COMMANDS = List.of(VolumesCommand.class, BackupsCommand.class, PlanCommand.class,
            ApplyCommand.class, RestoreCommand.class, VerifyCommand.class, RestoreToFileCommand.class,
            ServeNbdCommand.class, AuditCommand.class, PolicyCommand.class, LintCommand.class, DrillCommand.class,
            CompletionCommand.class, CommandLine.HelpCommand.class);
    /** Commands that read the whole tree: help lists or describes the others, completion writes all of them. */
    private static final Set<Class<?>> WHOLE_TREE = Set.of(CompletionCommand.class, CommandLine.HelpCommand.class);

    private final CliContext context;
    private final PrintStream terminal;

    @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT,
            description = "Print errors in full with their stack traces, and debug log lines of drkit.")
    boolean debug;

    @Spec
    CommandSpec spec;

    /** A CLI running in {@code context}. */
    public DrCli(CliContext context) {
        this(context, context.err());
    }

    private DrCli(CliContext context, PrintStream terminal) {
        this.context = context;
        this.terminal = terminal;
    }

    /** The context commands run in. */
    public CliContext context() {
        return context;
    }

    /**
     * The time each backend has to answer the check before a command starts: {@code --connect-timeout} (before or
     * after the command), else {@code DRKIT_CONNECT_TIMEOUT}, else the table's default.
     */
    Duration connectTimeout() {
        return CliOptions.values(spec, context).get(DrOptions.CONNECT_TIMEOUT);
    }

    /** A progress display on the context's error stream: only on a terminal, never with {@code -q} or {@code -o json}. */
    ProgressDisplay progress(FormatOptions format) {
        return new ProgressDisplay(terminal, context.terminal() && !format.quiet);
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(context.out());
        return ExitCodes.USAGE;
    }

    /**
     * Runs the CLI with {@code args} in {@code context}; returns the exit code. Everything written to the context's
     * output and error streams goes through {@link Terminal#safe} (control characters from names, labels, arguments
     * and messages are shown escaped, JSON keeps its exact values); only the progress bar draws on the raw error
     * stream. Error messages are printed on one line through {@link Redaction#text} as a last guard for secrets.
     */
    public static int run(CliContext context, String... args) {
        PrintStream out = Terminal.safe(context.out());
        PrintStream err = Terminal.safe(context.err());
        try {
            return commandLine(context, out, err, args).execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /**
     * The command tree for {@code args} on {@code context}, writing to {@code out} and {@code err} (already
     * {@link Terminal#safe}), with the error handlers of {@link #run}: the root with only the command {@code args}
     * name when they name one ({@link #commandsFor}), else with all of them. Building a command's model reflects on its
     * classes and adds its options from the table, a quarter of a second for all of them on 2 cores; a command needs
     * its own only. Help is plain text without ANSI colours, 80 columns wide, whether or not there is a terminal: both
     * streams escape control characters, so colour codes would show as {@code \u001b[1m}; and {@link DrMain} prints
     * help pages recorded at build time ({@link HelpPages}), which must read the same.
     */
    static CommandLine commandLine(CliContext context, PrintStream out, PrintStream err, String... args) {
        CliContext safe = new CliContext(out, err, context.env(), context.kubernetes(), context.terminal(),
                context.clock());
        DrCli cli = new DrCli(safe, context.err());
        CommandLine cmd = new CommandLine(cli);
        for (Class<?> command : commandsFor(args)) {
            cmd.addSubcommand(command);
        }
        CliOptions.install(cmd);
        cmd.setColorScheme(CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF));
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        cmd.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (cli.debug) {
                StringWriter trace = new StringWriter();
                e.printStackTrace(new PrintWriter(trace));
                err.print(Redaction.text(trace.toString()));
            }
            err.println("dr " + commandLine.getCommandName() + ": " + ErrorText.of(e, cli.debug));
            return ExitCodes.of(e);
        });
        cmd.setParameterExceptionHandler((e, args1) -> {
            err.println("dr: " + ErrorText.shorten(e.getMessage()));
            e.getCommandLine().usage(err);
            return ExitCodes.USAGE;
        });
        return cmd;
    }

    /**
     * The commands the tree for {@code args} needs: the one command they name, after the root's own options
     * ({@code --debug}, {@code --connect-timeout}), unless it reads the whole tree ({@code help}, {@code completion});
     * all of them when they name none (root help, a typo the error lists the commands for, an option picocli would
     * reject). Arguments after the command are that command's: picocli parses them without its siblings.
     */
    static List<Class<?>> commandsFor(String... args) {
        int i = 0;
        while (i < args.length && (args[i].equals("--debug") || args[i].startsWith("--connect-timeout="))) {
            i++;
        }
        if (i < args.length && args[i].equals("--connect-timeout")) {
            return commandsFor(Arrays.copyOfRange(args, Math.min(i + 2, args.length), args.length));
        }
        if (i == args.length) {
            return COMMANDS;
        }
        for (Class<?> command : COMMANDS) {
            Command c = command.getAnnotation(Command.class);
            if (!WHOLE_TREE.contains(command) && (c.name().equals(args[i]) || List.of(c.aliases()).contains(args[i]))) {
                return List.of(command);
            }
        }
        return COMMANDS;
    }

    /**
     * What {@code java -jar dr.jar} does, without exiting: quiet logging, the log levels of {@code -q}, {@code -v} and
     * {@code --debug} ({@link LogLevels}), log lines (on standard error) escaped like the rest of the output, then
     * {@link #run}.
     */
    public static int runProcess(String... args) {
        Logging.quiet();
        LogLevels.configure(LogLevels.Verbosity.of(args));
        CliContext system = CliContext.system();
        System.setErr(Terminal.safe(system.err()));
        return run(system, args);
    }

    /** Entry point without the help pages of {@link DrMain} (which starts {@code java -jar dr.jar}). */
    public static void main(String... args) {
        System.exit(runProcess(args));
    }
}
