package dev.sdbot.bot.cli;

import dev.sdbot.bot.features.moderation.filter.FilterCostBenchmark;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code sdbot filter-bench}: the prompt filter's cost per submit, worst-case rules × worst-case prompt. */
@Command(name = "filter-bench", mixinStandardHelpOptions = true,
        description = "Times one submit's prompt screening with a hostile rule set against the longest hostile prompt.")
final class FilterBenchCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--scenario", split = ",", defaultValue = "phrase,regex",
            description = "phrase (rules of many one-letter words) and/or regex (backtracking rules) (${DEFAULT-VALUE}).")
    List<String> scenarios;
    @Option(names = "--rules", defaultValue = "1", description = "Hostile rules in the guild (${DEFAULT-VALUE}).")
    int rules;
    @Option(names = "--words", defaultValue = "22", description = "One-letter words per phrase rule (${DEFAULT-VALUE}).")
    int words;

    @Override
    public Integer call() {
        if (rules < 1 || words < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--rules and --words must be at least 1");
        }
        PrintWriter out = spec.commandLine().getOut();
        for (String scenario : scenarios) {
            FilterCostBenchmark.Result result = FilterCostBenchmark.run(scenario.strip(), rules, words, line -> {
                out.println("  " + line);
                out.flush();
            });
            out.println(result.line());
            out.flush();
        }
        return 0;
    }
}
