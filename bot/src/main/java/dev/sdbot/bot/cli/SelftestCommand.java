package dev.sdbot.bot.cli;

import dev.sdbot.inference.pipeline.Devices;
import dev.sdbot.inference.pipeline.Precision;
import dev.sdbot.inference.selftest.CheckResult;
import dev.sdbot.inference.selftest.GroupFilter;
import dev.sdbot.inference.selftest.PromptChecks;
import dev.sdbot.inference.selftest.ScheduleChecks;
import dev.sdbot.inference.selftest.SelfTest;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

/** Runs the engine's parity checks ({@link SelfTest}) against reference outputs and prints one line per check. */
@Command(name = "selftest", mixinStandardHelpOptions = true,
        description = "Compares the engine with reference outputs (DIR/NAME-reference/reference.safetensors).")
final class SelftestCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--fixtures", required = true, description = "Directory holding NAME/, NAME.safetensors, NAME-reference/...")
    Path fixtures;
    @Option(names = "--model", required = true, description = "Model name, e.g. mini-sd15.")
    String model;
    @Option(names = "--prompt-cases", description = "A1111 prompt-syntax cases (JSON; default FIXTURES/../prompt-syntax/a1111-attention.json).")
    Path promptCases;
    @Option(names = "--schedule-cases", description = "A1111 prompt-editing cases (JSON list of {prompt, steps, schedule});"
            + " one PASS/FAIL line per case.")
    Path scheduleCases;
    @Option(names = "--device", defaultValue = "cpu",
            description = "cpu or cuda:N (${DEFAULT-VALUE}): where the half-precision parity checks run.")
    String device;
    @Option(names = "--precision", defaultValue = "auto", description = "auto or fp16: fp16 parity checks besides the "
            + "fp32 ones; fp32: none; bf16: a SKIP line with the reason (${DEFAULT-VALUE}).")
    String precision;
    @Option(names = "--only", split = ",", paramLabel = "GROUP", description = "Run only the groups whose printed name "
            + "starts with GROUP (case-insensitive; repeatable or comma-separated), e.g. --only unet,samplers.")
    List<String> only = List.of();
    @Option(names = "--skip", split = ",", paramLabel = "GROUP", description = "Leave out the groups whose name starts "
            + "with GROUP (a SKIP line each), e.g. --skip 'vae tiling' for the minute-long 1024x1024 decode.")
    List<String> skip = List.of();

    private GroupFilter filter;

    @Override
    public Integer call() {
        var parsedDevice = Devices.parse(device);
        Precision parsedPrecision = Precision.parse(precision);
        if (!Files.isDirectory(fixtures)) {
            throw new IllegalArgumentException("--fixtures " + fixtures + " is not a directory");
        }
        PrintWriter out = spec.commandLine().getOut();
        filter = new GroupFilter(only, skip);
        PromptReport prompts = promptChecks(out);
        SelfTest.Report report = SelfTest.run(fixtures, model, new SelfTest.Listener() {
            @Override
            public void onResult(CheckResult r) {
                out.println(format(r));
                out.flush();
            }

            @Override
            public void onSkip(String reason) {
                out.println("SKIP  " + reason);
                out.flush();
            }
        }, parsedDevice, parsedPrecision, filter);
        long failed = report.failed() + prompts.failed();
        out.printf("%d passed, %d failed, %d skipped%n", report.passed() + prompts.passed(), failed,
                report.skipped().size() + prompts.skipped());
        out.flush();
        return failed == 0 ? 0 : 1;
    }

    private record PromptReport(long passed, long failed, int skipped) {
    }

    /** The prompt-syntax cases (SKIP when the file is absent) and the long-prompt chunking of the model's folder. */
    private PromptReport promptChecks(PrintWriter out) {
        List<CheckResult> results = new ArrayList<>();
        List<String> skips = new ArrayList<>();
        Path cases = promptCases != null ? promptCases
                : fixtures.toAbsolutePath().resolveSibling("prompt-syntax").resolve("a1111-attention.json");
        if (promptCases != null && !Files.isRegularFile(promptCases)) {
            throw new IllegalArgumentException("--prompt-cases " + promptCases + " is not a file");
        }
        if (scheduleCases != null && !Files.isRegularFile(scheduleCases)) {
            throw new IllegalArgumentException("--schedule-cases " + scheduleCases + " is not a file");
        }
        if (runs("prompt syntax", skips)) {
            if (Files.isRegularFile(cases)) {
                results.addAll(PromptChecks.syntax(cases));
            } else {
                skips.add("prompt syntax: " + cases + " does not exist");
            }
        }
        if (scheduleCases != null && runs("schedule cases", skips)) {
            results.addAll(ScheduleChecks.cases(scheduleCases));
        }
        Path folder = fixtures.resolve(model);
        if (runs("long prompt", skips)) {
            if (Files.isDirectory(folder)) {
                results.addAll(PromptChecks.longPrompt(folder));
            } else {
                skips.add("long prompt: " + folder + " does not exist");
            }
        }
        skips.forEach(s -> out.println("SKIP  " + s));
        results.forEach(r -> out.println(format(r)));
        out.flush();
        long passed = results.stream().filter(CheckResult::passed).count();
        return new PromptReport(passed, results.size() - passed, skips.size());
    }

    /** Whether {@code group} runs under --only/--skip; a --skip adds its SKIP line. */
    private boolean runs(String group, List<String> skips) {
        if (filter.unselected(group)) {
            return false;
        }
        Optional<String> excluded = filter.exclusion(group);
        excluded.ifPresent(why -> skips.add(group + ": " + why));
        return excluded.isEmpty();
    }

    static String format(CheckResult r) {
        return String.format(Locale.ROOT, "%s  %s  rel=%.1e tol=%.0e", r.passed() ? "PASS" : "FAIL", r.name(),
                r.relError(), r.tolerance());
    }
}
