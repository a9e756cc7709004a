package dev.sdbot.bot.cli;

import dev.sdbot.inference.pipeline.Devices;
import dev.sdbot.inference.pipeline.Precision;
import dev.sdbot.inference.selftest.CheckResult;
import dev.sdbot.inference.selftest.SelfTest;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
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
    @Option(names = "--device", defaultValue = "cpu",
            description = "cpu or cuda:N (${DEFAULT-VALUE}): where the half-precision parity checks run.")
    String device;
    @Option(names = "--precision", defaultValue = "auto", description = "auto or fp16: fp16 parity checks besides the "
            + "fp32 ones; fp32: none; bf16: a SKIP line with the reason (${DEFAULT-VALUE}).")
    String precision;

    @Override
    public Integer call() {
        var parsedDevice = Devices.parse(device);
        Precision parsedPrecision = Precision.parse(precision);
        if (!Files.isDirectory(fixtures)) {
            throw new IllegalArgumentException("--fixtures " + fixtures + " is not a directory");
        }
        PrintWriter out = spec.commandLine().getOut();
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
        }, parsedDevice, parsedPrecision);
        out.printf("%d passed, %d failed, %d skipped%n", report.passed(), report.failed(), report.skipped().size());
        out.flush();
        return report.failed() == 0 ? 0 : 1;
    }

    static String format(CheckResult r) {
        return String.format(Locale.ROOT, "%s  %s  rel=%.1e tol=%.0e", r.passed() ? "PASS" : "FAIL", r.name(),
                r.relError(), r.tolerance());
    }
}
