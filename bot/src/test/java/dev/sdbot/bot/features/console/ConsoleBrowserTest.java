package dev.sdbot.bot.features.console;

import dev.sdbot.bot.http.ProcessHttp;
import dev.sdbot.bot.runtime.SdbotRuntime;
import dev.sdbot.db.testing.EmbeddedPostgresExtension;
import dev.sdbot.db.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static dev.sdbot.bot.http.HttpTestSupport.config;
import static dev.sdbot.bot.http.HttpTestSupport.freePort;
import static dev.sdbot.bot.features.console.ConsoleFixture.MANAGED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The console in a real browser: Debian's headless Chromium, driven with {@code --dump-dom}. A page loads through the
 * one-time link, its usage chart renders (the page's script marks the body once the chart image has pixels), the link
 * is refused a second time, and a browser without a login is refused. Missing Chromium fails the test: it never skips.
 */
@ExtendWith(EmbeddedPostgresExtension.class)
class ConsoleBrowserTest {

    @TempDir
    Path dir;

    @Test
    void aConsolePageLoadsWithItsChartThroughTheOneTimeLinkAndABrowserWithoutLoginIsRefused(TestDatabase db) throws Exception {
        Path chromium = chromium();
        ConsoleFixture.seed(db);
        int port = freePort();
        String base = "http://127.0.0.1:" + port;
        try (SdbotRuntime runtime = SdbotRuntime.open(config(db, port, dir, Map.of()), Clock.systemUTC())) {
            ProcessHttp.start(runtime, Set.of(), true, new PrintWriter(new StringWriter())).orElseThrow()
                    .discordStarted(ConsoleFixture.bot());
            String guildPage = Files.readString(dir.resolve("console-admin-link")).trim() + "&next=/console/guild/" + MANAGED;

            String page = dumpDom(chromium, "logged-in", guildPage);
            assertThat(page).as(page).contains("data-chart=\"rendered\"", "id=\"usage-chart\"", "Recent jobs",
                    "a cat &lt;script&gt;document.title='pwned'&lt;/script&gt;", "Signed in as admin (one-time link)");
            assertThat(page).doesNotContain("<title>pwned");

            String reused = dumpDom(chromium, "reused", guildPage);
            assertThat(reused).contains("id=\"refused\"", "already used").doesNotContain("data-chart", "a quiet harbour");

            String anonymous = dumpDom(chromium, "anonymous", base + "/console/guild/" + MANAGED);
            assertThat(anonymous).contains("Login required", "id=\"refused\"").doesNotContain("data-chart", "a quiet harbour");
        }
    }

    /** Chromium on the PATH; fails (never skips) when it is missing. */
    private static Path chromium() {
        for (String name : List.of("chromium", "chromium-browser")) {
            for (String folder : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
                Path candidate = Path.of(folder, name);
                if (Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        return fail("Chromium is not installed: the console's browser test needs Debian's chromium package"
                + " (apt-get install -y chromium; .ci/run installs it)");
    }

    /** The page's DOM after scripts ran and images loaded, in a fresh profile (no cookies but the ones it gets). */
    private String dumpDom(Path chromium, String profile, String url) throws IOException, InterruptedException {
        Path profileDir = Files.createDirectories(dir.resolve("chromium-" + profile));
        List<String> command = Arrays.asList(chromium.toString(), "--headless", "--disable-gpu", "--no-sandbox",
                "--no-first-run", "--disable-dev-shm-usage", "--user-data-dir=" + profileDir, "--virtual-time-budget=15000",
                "--dump-dom", url);
        Path stderr = dir.resolve("chromium-" + profile + ".log");
        Process process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
        byte[] dom = process.getInputStream().readAllBytes();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("Chromium did not finish within 120 s; its log: " + Files.readString(stderr));
        }
        assertThat(process.exitValue()).as("chromium exit status; log: " + Files.readString(stderr)).isZero();
        return new String(dom, StandardCharsets.UTF_8);
    }
}
