package io.drkit.examples.cli;

import io.drkit.core.InvalidInputException;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code dr completion bash|zsh}: the shell completion script picocli generates from the commands and their options. */
@Command(name = "completion", mixinStandardHelpOptions = true,
        description = {"Print the shell completion script of dr (commands, options, option values).",
            "bash: source <(dr completion bash), or save it as /etc/bash_completion.d/dr.",
            "zsh: source <(dr completion zsh) in ~/.zshrc (it loads zsh's bash completion support first)."})
final class CompletionCommand implements Callable<Integer> {
    @ParentCommand
    DrCli parent;
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "bash|zsh", description = "The shell.")
    String shell;

    @Override
    public Integer call() {
        String script = AutoComplete.bash("dr", spec.root().commandLine());
        switch (shell) {
            case "bash" -> parent.context().out().print(script);
            case "zsh" -> parent.context().out().print("autoload -U +X compinit && compinit\n"
                    + "autoload -U +X bashcompinit && bashcompinit\n" + script);
            default -> throw new InvalidInputException("completion is for bash or zsh, not '" + shell + "'");
        }
        return ExitCodes.OK;
    }
}
