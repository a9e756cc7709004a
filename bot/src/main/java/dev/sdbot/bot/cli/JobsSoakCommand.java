package dev.sdbot.bot.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code jobs soak} in the shipped jar: the soak test runs test doubles (a fake Discord, test hooks) that the product
 * does not carry, so it lives in the {@code loadtest} module and the launcher script runs it from a source checkout.
 */
@Command(name = "soak", description = "The soak test with faults: a source-checkout tool, run './sdbot jobs soak' in a "
        + "clone of the repository (README \"Soak test with faults\").")
final class JobsSoakCommand implements Callable<Integer> {
    static final String ONLY_IN_A_CHECKOUT = "error: 'jobs soak' runs from a source checkout (it needs the loadtest "
            + "module, which the shipped jar does not contain): run ./sdbot jobs soak in a clone of the repository";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;
    @CommandLine.Unmatched
    List<String> options; // whatever the soak's options were: the answer is the same

    @Override
    public Integer call() {
        spec.commandLine().getErr().println(ONLY_IN_A_CHECKOUT);
        return 1;
    }
}
