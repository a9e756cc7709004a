package dev.sdbot.bot.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code jobs soak}, {@code jobs wal} and {@code jobs scale} in the shipped jar: they run test doubles (a fake
 * Discord, an S3 server, test hooks) that the product does not carry, so they live in the {@code loadtest} module and
 * the launcher script runs them from a source checkout.
 */
@Command(name = "soak", aliases = {"wal", "scale"}, description = "The soak test with faults, the WAL-per-job "
        + "measurement and the scale simulation: source-checkout tools, run './sdbot jobs soak|wal|scale' in a clone of "
        + "the repository (README \"Soak test with faults\", \"Running at scale\").")
final class JobsSoakCommand implements Callable<Integer> {
    static final String ONLY_IN_A_CHECKOUT = "error: 'jobs soak', 'jobs wal' and 'jobs scale' run from a source "
            + "checkout (they need the loadtest module, which the shipped jar does not contain): run ./sdbot jobs "
            + "soak|wal|scale in a clone of the repository";

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
