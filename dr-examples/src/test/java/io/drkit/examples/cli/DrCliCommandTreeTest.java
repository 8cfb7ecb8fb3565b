package io.drkit.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@link DrCli} builds only the command the arguments name (the model of every command takes a quarter of a second):
 * which commands a command line gets, and that a command built alone reads exactly as in the whole tree.
 */
class DrCliCommandTreeTest {
    private static final PrintStream NOWHERE = new PrintStream(OutputStream.nullOutputStream(), true);

    @Test
    void aNamedCommandIsBuiltAloneAfterTheRootsOwnOptions() {
        assertThat(DrCli.commandsFor("volumes", "--backupstore", "/x")).containsExactly(VolumesCommand.class);
        assertThat(DrCli.commandsFor("--debug", "--connect-timeout", "5s", "backups", "v"))
                .containsExactly(BackupsCommand.class);
        assertThat(DrCli.commandsFor("--connect-timeout=5s", "--debug", "plan")).containsExactly(PlanCommand.class);
        assertThat(DrCli.commandsFor("policy", "apply", "--help")).containsExactly(PolicyCommand.class);
    }

    @Test
    void everythingElseGetsTheWholeTree() {
        for (String[] args : new String[][] {{}, {"--help"}, {"--debug"}, {"help", "volumes"}, {"completion"},
                {"volumse"}, {"--connect-timeout", "volumes"}, {"-q", "volumes"}, {"--", "volumes"}}) {
            assertThat(DrCli.commandsFor(args)).as(String.join(" ", args)).isEqualTo(DrCli.COMMANDS);
        }
        CommandLine root = DrCli.commandLine(CliHarness.offline().context(), NOWHERE, NOWHERE);
        assertThat(root.getSubcommands().keySet()).containsExactly("volumes", "backups", "plan", "apply", "restore",
                "verify", "restore-to-file", "serve-nbd", "audit", "policy", "lint", "drill", "completion", "help");
    }

    @Test
    void aCommandBuiltAloneReadsAsInTheWholeTree() {
        CommandLine whole = DrCli.commandLine(CliHarness.offline().context(), NOWHERE, NOWHERE);
        List<CommandLine> commands = new ArrayList<>(whole.getSubcommands().values());
        commands.remove(whole.getSubcommands().get("help"));

        for (CommandLine command : commands) {
            String name = command.getCommandName();
            CommandLine alone = DrCli.commandLine(CliHarness.offline().context(), NOWHERE, NOWHERE, name, "--help");
            // completion writes the script of every command: it gets the whole tree
            assertThat(alone.getSubcommands().keySet()).as(name)
                    .isEqualTo(name.equals("completion") ? whole.getSubcommands().keySet() : Set.of(name));

            assertThat(usage(alone.getSubcommands().get(name))).as(name).isEqualTo(usage(command));
            for (CommandLine sub : command.getSubcommands().values()) {
                assertThat(usage(alone.getSubcommands().get(name).getSubcommands().get(sub.getCommandName())))
                        .isEqualTo(usage(sub));
            }
            // and what dr <command> --help prints is that usage
            assertThat(CliHarness.offline().run(name, "--help").out()).as(name).isEqualTo(usage(command));
        }
        assertThat(commands).hasSize(DrCli.COMMANDS.size() - 1);
    }

    private static String usage(CommandLine command) {
        StringWriter text = new StringWriter();
        command.usage(new PrintWriter(text, true));
        return text.toString();
    }
}
