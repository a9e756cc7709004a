package dev.sdbot.bot.cli;

import dev.sdbot.db.Database;
import dev.sdbot.db.DatabaseSettings;
import dev.sdbot.db.entity.QuotaScope;
import dev.sdbot.db.store.QuotaRuleStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The jobs commands against the embedded database of a data directory (started and stopped per command). */
class JobsCommandTest {
    @TempDir
    Path dataDir;

    @Test
    void submitListStatsAndBadInputs() {
        CliRunner cli = new CliRunner(Map.of("SDBOT_DATA_DIR", dataDir.toString()), dataDir.resolve("none.yaml"));

        CliRunner.Result submitted = cli.run("jobs", "submit", "--prompt", "a castle", "--count", "3", "--user", "5", "--guild", "9",
                "--width", "64", "--height", "64");
        assertThat(submitted.exitCode()).as(submitted.err()).isZero();
        assertThat(submitted.out().lines()).hasSize(3).allMatch(l -> l.matches("queued job \\d+"));
        // no worker runs: the jobs are queued, and the operator is told they will wait
        assertThat(submitted.err()).contains("warning: no live worker serves model 'test-pattern' (the default model, "
                + "SDBOT_DEFAULT_MODEL); live workers serve: none", "wait in QUEUED");
        CliRunner.Result waiting = cli.run("jobs", "submit", "--prompt", "waits forever", "--wait", "--model", "sd15");
        assertThat(waiting.exitCode()).isEqualTo(1);
        assertThat(waiting.err()).contains("no live worker serves model 'sd15'; live workers serve: none", "Nothing queued");
        assertThat(waiting.out()).isEmpty();

        CliRunner.Result badSteps = cli.run("jobs", "submit", "--prompt", "x", "--steps", "0");
        assertThat(badSteps.exitCode()).isEqualTo(1);
        assertThat(badSteps.err()).contains("steps must be between 1 and 150, got 0");
        for (String[] bad : new String[][] {
                {"CFG scale must be between 1 and 30, got 31.0", "--prompt", "x", "--cfg", "31"},
                {"width and height must be multiples of 8", "--prompt", "x", "--width", "65"},
                {"images per request must be between 1 and 4, got 5", "--prompt", "x", "--images", "5"},
                {"prompt: '1.2.3' is not a number", "--prompt", "a (x:1.2.3)"},
                {"negative prompt: '1..2' is not a number", "--prompt", "x", "--negative", "(y:1..2)"},
                {"prompt: malformed LoRA tag", "--prompt", "x <lora:y:lots>"},
                {"hires scale must be above 1 and at most 4", "--prompt", "x", "--hires-scale", "5"}}) {
            String[] args = new String[bad.length + 1];
            args[0] = "jobs";
            args[1] = "submit";
            System.arraycopy(bad, 1, args, 2, bad.length - 1);
            CliRunner.Result r = cli.run(args);
            assertThat(r.exitCode()).as(String.join(" ", args)).isEqualTo(1);
            assertThat(r.err()).as(String.join(" ", args)).contains(bad[0]);
        }
        CliRunner.Result badSampler = cli.run("jobs", "submit", "--prompt", "x", "--sampler", "warp");
        assertThat(badSampler.exitCode()).isEqualTo(1);
        assertThat(badSampler.err()).contains("unknown sampler 'warp'");
        CliRunner.Result missingPrompt = cli.run("jobs", "submit");
        assertThat(missingPrompt.exitCode()).isEqualTo(2);
        assertThat(missingPrompt.err()).contains("--prompt");
        CliRunner.Result notANumber = cli.run("jobs", "submit", "--prompt", "x", "--count", "many");
        assertThat(notANumber.exitCode()).isEqualTo(2);

        try (Database db = Database.open(DatabaseSettings.embedded(dataDir))) {
            new QuotaRuleStore(db.sessionFactory()).put(9, QuotaScope.GUILD_DEFAULT, 0, 4, null, Instant.now());
        }
        CliRunner.Result overQuota = cli.run("jobs", "submit", "--prompt", "x", "--count", "2", "--user", "5", "--guild", "9");
        assertThat(overQuota.exitCode()).isEqualTo(SdbotCommand.EXIT_QUOTA);
        assertThat(overQuota.err()).contains("Daily image quota exceeded").contains("resets at");

        CliRunner.Result stats = cli.run("jobs", "stats");
        assertThat(stats.exitCode()).isZero();
        assertThat(stats.out().lines()).as("the --wait without a worker queued nothing")
                .contains("QUEUED 3", "SUCCEEDED 0", "FAILED 0", "queue depth 3");

        CliRunner.Result shown = cli.run("jobs", "show", "1");
        assertThat(shown.exitCode()).as(shown.err()).isZero();
        assertThat(shown.out()).contains("job 1 QUEUED", "prompt      a castle", "64x64");
        CliRunner.Result noImages = cli.run("jobs", "show", "1", "--out", dataDir.resolve("out").toString());
        assertThat(noImages.exitCode()).isEqualTo(1);
        assertThat(noImages.err()).contains("job 1 has no stored images to write (state QUEUED)");
        assertThat(dataDir.resolve("out")).doesNotExist();
        CliRunner.Result unknown = cli.run("jobs", "show", "999");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).contains("error: no job 999");
        assertThat(cli.run("jobs", "show", "many").exitCode()).isEqualTo(2);

        CliRunner.Result list = cli.run("jobs", "list", "--user", "5");
        assertThat(list.exitCode()).isZero();
        assertThat(list.out().lines().filter(l -> l.contains("a castle"))).hasSize(3);
        assertThat(cli.run("jobs", "list", "--limit", "0").err()).contains("--limit must be between 1 and 10000");

        assertThat(cli.run("jobs", "cancel", "1").out()).contains("job 1: CANCELLED");
        assertThat(cli.run("jobs", "cancel", "1").exitCode()).as("already cancelled").isEqualTo(1);
        assertThat(cli.run("migrate").out()).contains("Applied 0 migration(s)");
        assertThat(cli.run("jobs", "stats").out().lines()).contains("QUEUED 2", "CANCELLED 1");

        movesImagesHeldInOldRowsIntoTheStore(cli);
    }

    /** Rows as written before the image store (V34): bytes in the rows; move-images puts them in the store. */
    private void movesImagesHeldInOldRowsIntoTheStore(CliRunner cli) {
        try (Database db = Database.open(DatabaseSettings.embedded(dataDir))) {
            try (var c = db.dataSource().getConnection(); var st = c.createStatement()) {
                st.execute("UPDATE jobs SET init_image = '\\x0102'::bytea, mask_image = '\\x03'::bytea WHERE id = 1");
                // and a ControlNet job as queued before V42: its control images in the row
                st.execute("UPDATE jobs SET control_images = ARRAY['\\x04'::bytea, '\\x0506'::bytea], control_units ="
                        + " (SELECT jsonb_agg(u) FROM (SELECT jsonb_build_object('model', 'cn', 'preprocessor', 'none',"
                        + " 'cannyLow', 100, 'cannyHigh', 200, 'weight', 1, 'start', 0, 'end', 1, 'mode', 'balanced') u"
                        + " FROM generate_series(1, 2)) units) WHERE id = 3");
                st.execute("INSERT INTO job_results (job_id, image_index, attempt, png, seed, gpu_ms, created_at, safety)"
                        + " VALUES (2, 0, 1, '\\x0a0b0c'::bytea, 1, 5, now(), 'CLEAN'),"
                        + " (2, 1, 1, '\\x0d'::bytea, 2, 5, now(), 'CLEAN'), (3, 0, 1, '\\x0e'::bytea, 3, 5, now(), 'CLEAN')");
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
        }
        CliRunner.Result dry = cli.run("jobs", "move-images", "--dry-run");
        assertThat(dry.exitCode()).as(dry.err()).isZero();
        assertThat(dry.out()).contains("would move 3 result image(s), 5 bytes", "would move the input images of 2 job(s), 6 bytes");
        assertThat(cli.run("jobs", "move-images", "--batch", "0").err()).contains("--batch must be at least 1, got 0");

        CliRunner.Result moved = cli.run("jobs", "move-images", "--batch", "2"); // batches of 2: a second read resumes
        assertThat(moved.exitCode()).as(moved.err()).isZero();
        assertThat(moved.out()).contains("moved 3 result image(s), 5 bytes", "moved the input images of 2 job(s), 6 bytes");
        Path images = dataDir.resolve("images");
        assertThat(images.resolve("results/2/1-0.png")).hasBinaryContent(new byte[] {0x0a, 0x0b, 0x0c});
        assertThat(images.resolve("results/3/1-0.png")).hasBinaryContent(new byte[] {0x0e});
        assertThat(images.resolve("inputs/job-1/init.png")).hasBinaryContent(new byte[] {1, 2});
        assertThat(images.resolve("inputs/job-1/mask.png")).hasBinaryContent(new byte[] {3});
        assertThat(images.resolve("inputs/job-3/control-0.png")).hasBinaryContent(new byte[] {4});
        assertThat(images.resolve("inputs/job-3/control-1.png")).hasBinaryContent(new byte[] {5, 6});
        assertThat(cli.run("jobs", "show", "2", "--out", dataDir.resolve("moved").toString()).exitCode())
                .as("read back from the store").isZero();
        assertThat(cli.run("jobs", "move-images", "--dry-run").out()).as("the rows hold no bytes any more")
                .contains("would move 0 result image(s), 0 bytes", "would move the input images of 0 job(s), 0 bytes");
    }

    @Test
    void helpAndVersionWorkWithoutADatabase() {
        CliRunner cli = new CliRunner(Map.of("SDBOT_DATA_DIR", dataDir.toString()), dataDir.resolve("none.yaml"));
        for (String[] args : new String[][] {{"--help"}, {"start", "--help"}, {"jobs", "submit", "--help"}, {"worker", "--help"},
                {"scheduler", "--help"}, {"migrate", "--help"}, {"jobs", "bench", "--help"}, {"jobs", "show", "--help"}}) {
            CliRunner.Result r = cli.run(args);
            assertThat(r.exitCode()).isZero();
            assertThat(r.out()).contains("Usage: sdbot");
        }
        assertThat(cli.run("version").out()).startsWith("sdbot ");
        assertThat(cli.run().exitCode()).isEqualTo(2);
        assertThat(cli.run("frobnicate").exitCode()).isEqualTo(2);
        assertThat(dataDir.resolve("postgres")).doesNotExist();
    }

    @Test
    void theShippedJarsSoakSaysItIsASourceCheckoutTool() {
        CliRunner cli = new CliRunner(Map.of("SDBOT_DATA_DIR", dataDir.toString()), dataDir.resolve("none.yaml"));
        CliRunner.Result soak = cli.run("jobs", "soak", "--jobs", "300");
        assertThat(soak.exitCode()).isEqualTo(1);
        assertThat(soak.err().strip()).isEqualTo(JobsSoakCommand.ONLY_IN_A_CHECKOUT);
        for (String tool : new String[] {"wal", "scale"}) {
            CliRunner.Result r = cli.run("jobs", tool, "--jobs", "3");
            assertThat(r.exitCode()).as(tool).isEqualTo(1);
            assertThat(r.err().strip()).as(tool).isEqualTo(JobsSoakCommand.ONLY_IN_A_CHECKOUT);
        }
        assertThat(dataDir.resolve("postgres")).doesNotExist();
    }
}
