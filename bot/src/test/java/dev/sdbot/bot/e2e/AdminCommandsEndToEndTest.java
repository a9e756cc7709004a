package dev.sdbot.bot.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sdbot.testkit.fake.FakeDiscord;
import dev.sdbot.testkit.fake.FakeGuild;
import dev.sdbot.testkit.fake.FakeInteraction;
import dev.sdbot.testkit.fake.FakeMessage;
import dev.sdbot.testkit.fake.RecordedCall;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** /admin usage, export, quota and settings through the fake Discord, checked against the database. */
@EndToEndTest.Harness(stepDelayMillis = 100, workerSlots = 1)
class AdminCommandsEndToEndTest extends EndToEndTest {

    @AfterEach
    void resetGuild() {
        db.update("DELETE FROM quota_rules");
        db.update("DELETE FROM relax_rules");
        db.update("DELETE FROM guild_settings");
        db.update("DELETE FROM generation_defaults");
        db.update("UPDATE workers SET unchecked_models = '{}'");
        await().atMost(Duration.ofSeconds(60)).until(this::idle);
    }

    private boolean idle() {
        return db.queryLong("SELECT count(*) FROM jobs WHERE state IN ('QUEUED', 'ASSIGNED', 'RUNNING', 'SUCCEEDED')") == 0;
    }

    private String admin(FakeGuild.Member member, String command, Object... options) {
        return harness.awaitEphemeral(harness.discord.slashCommand(member, guild.general, "admin " + command,
                FakeDiscord.options(options)));
    }

    private FakeMessage adminMessage(String command, Object... options) {
        FakeInteraction interaction = harness.discord.slashCommand(guild.admin, guild.general, "admin " + command,
                FakeDiscord.options(options));
        harness.awaitEphemeral(interaction);
        return harness.discord.ephemerals(interaction).get(0);
    }

    @Test
    void adminIsRegisteredWithinDiscordsSizeLimitForOneCommand() {
        JsonNode admin = null;
        for (JsonNode command : harness.discord.registeredCommands("global")) {
            if (command.path("name").asText().equals("admin")) {
                admin = command;
            }
        }
        assertThat(admin).isNotNull();
        assertThat(admin.findValuesAsText("name")).contains("usage", "export", "quota", "set", "list", "clear", "settings", "relax", "on", "off");
        // Discord refuses the whole registration when a command's names, descriptions and choice values exceed 4000
        int characters = admin.findValuesAsText("name").stream().mapToInt(String::length).sum()
                + admin.findValuesAsText("description").stream().mapToInt(String::length).sum()
                + admin.findValues("value").stream().mapToInt(v -> v.asText().length()).sum();
        assertThat(characters).isLessThan(4000);
    }

    @Test
    void theDefaultModelIsAutocompletedForAdminsOnly() {
        assertThat(modelChoices(guild.admin)).containsExactly("test-pattern");
        assertThat(modelChoices(guild.alice)).isEmpty();
    }

    private List<String> modelChoices(FakeGuild.Member member) {
        FakeInteraction typing = harness.discord.autocomplete(member, guild.general, "admin settings",
                FakeDiscord.options("model", "test"), "model");
        await().atMost(Duration.ofSeconds(5)).until(typing::acknowledged);
        RecordedCall callback = harness.discord.calls("POST", "interactions/" + typing.id() + "/.*").get(0);
        return callback.payload().path("data").path("choices").findValuesAsText("value");
    }

    @Test
    void membersWithoutManageServerAreRefusedAndNothingChanges() {
        long events = db.queryLong("SELECT count(*) FROM moderation_events");
        for (FakeGuild.Member member : List.of(guild.alice, guild.moderator)) {
            for (String command : List.of("usage", "export")) {
                FakeInteraction refused = harness.discord.slashCommand(member, guild.general, "admin " + command,
                        FakeDiscord.options());
                assertThat(harness.awaitEphemeral(refused)).contains("needs Manage Server");
                assertThat(harness.discord.ephemerals(refused).get(0).files()).as("no usage data for them").isEmpty();
            }
            assertThat(admin(member, "quota set", "images_per_day", 1)).contains("needs Manage Server");
            assertThat(admin(member, "quota clear")).contains("needs Manage Server");
            assertThat(admin(member, "settings", "steps", 5, "imagine_channel", guild.ageRestricted))
                    .contains("needs Manage Server");
            assertThat(admin(member, "settings")).contains("needs Manage Server");
        }
        assertThat(db.queryLong("SELECT count(*) FROM quota_rules")).isZero();
        assertThat(db.queryLong("SELECT count(*) FROM guild_settings")).isZero();
        assertThat(db.queryLong("SELECT count(*) FROM generation_defaults")).isZero();
        assertThat(db.queryLong("SELECT count(*) FROM moderation_events")).isEqualTo(events);
    }

    @Test
    void usageMatchesTheLedgerTheChartDecodesAndTheExportMatchesRowForRow() throws Exception {
        List<FakeInteraction> runs = List.of(
                harness.imagine(guild.alice, guild.general, "prompt", "usage one", "steps", 2),
                harness.imagine(guild.alice, guild.general, "prompt", "usage two", "steps", 3, "count", 2),
                harness.imagine(guild.bob, guild.general, "prompt", "usage three", "steps", 2));
        runs.forEach(harness::awaitResult);
        await().atMost(Duration.ofSeconds(30)).until(this::idle);

        FakeMessage usage = adminMessage("usage");
        long images = db.queryLong("SELECT sum(images) FROM usage_ledger WHERE guild_id = ? AND usage_day >= current_date - 29", guild.id);
        long gpuMs = db.queryLong("SELECT sum(gpu_ms) FROM usage_ledger WHERE guild_id = ? AND usage_day >= current_date - 29", guild.id);
        long attempts = db.queryLong("SELECT count(*) FROM usage_ledger WHERE guild_id = ? AND usage_day >= current_date - 29", guild.id);
        assertThat(usage.content()).contains("Last 30 days: " + images + " image(s), "
                + String.format(Locale.ROOT, "%.1f", gpuMs / 1000.0) + " GPU-s in " + attempts + " attempt(s)");
        assertThat(usage.content()).contains("<@" + guild.alice.userId() + ">").contains("`test-pattern`")
                .contains("`worker-1`").contains("Queue now:** 0 queued, 0 running").contains("median");
        assertThat(usage.files()).hasSize(1);
        BufferedImage chart = ImageIO.read(new ByteArrayInputStream(usage.files().get(0).bytes()));
        assertThat(chart).as("the attachment is a PNG").isNotNull();
        assertThat(chart.getWidth()).isEqualTo(900);
        assertThat(chart.getHeight()).isEqualTo(560);

        String alice = adminMessage("usage", "user", guild.alice, "days", 7).content();
        long aliceImages = db.queryLong("SELECT sum(images) FROM usage_ledger WHERE guild_id = ? AND user_id = ?"
                + " AND usage_day >= current_date - 6", guild.id, guild.alice.userId());
        assertThat(alice).startsWith("**Usage of <@" + guild.alice.userId() + ">**")
                .contains("Last 7 days: " + aliceImages + " image(s)");
        assertThat(admin(guild.admin, "usage", "days", 0)).contains("`days` must be between 1 and 90");

        FakeMessage export = adminMessage("export", "days", 30);
        assertThat(export.files()).hasSize(1);
        assertThat(export.files().get(0).filename()).endsWith(".csv");
        List<CSVRecord> rows = CSVFormat.Builder.create(CSVFormat.RFC4180).setHeader().setSkipHeaderRecord(true).get()
                .parse(new StringReader(new String(export.files().get(0).bytes(), StandardCharsets.UTF_8))).getRecords();
        List<List<String>> ledger = ledgerRows();
        assertThat(rows).hasSize(ledger.size());
        for (int i = 0; i < rows.size(); i++) {
            CSVRecord row = rows.get(i);
            assertThat(List.of(row.get("job_id"), row.get("attempt"), row.get("user_id"), row.get("worker_id"),
                    row.get("model"), row.get("outcome"), row.get("images"), row.get("gpu_ms"), row.get("usage_day")))
                    .as("row %d", i).isEqualTo(ledger.get(i));
        }
        assertThat(db.queryLong("SELECT count(*) FROM moderation_events WHERE kind = 'USAGE_EXPORTED' AND moderator_id = ?",
                guild.admin.userId())).isEqualTo(1);
    }

    private List<List<String>> ledgerRows() throws Exception {
        try (Connection c = db.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT l.job_id, l.attempt, l.user_id, COALESCE(l.worker_id, ''), j.model, l.outcome, l.images, l.gpu_ms,"
                        + " l.usage_day FROM usage_ledger l JOIN jobs j ON j.id = l.job_id WHERE l.guild_id = ?"
                        + " AND l.usage_day >= current_date - 29 ORDER BY l.recorded_at, l.id")) {
            ps.setLong(1, guild.id);
            List<List<String>> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    List<String> row = new ArrayList<>();
                    for (int col = 1; col <= 9; col++) {
                        row.add(rs.getString(col));
                    }
                    rows.add(row);
                }
            }
            return rows;
        }
    }

    @Test
    void aQuotaChangeAppliesToTheNextSubmitAndIsAudited() {
        FakeGuild.Member carol = guild.user("carol");
        assertThat(admin(guild.admin, "quota set", "user", carol, "images_per_day", 1)).contains("✅ Quota of <@" + carol.userId() + ">")
                .contains("1 images/day");
        harness.awaitResult(harness.imagine(carol, guild.general, "prompt", "first of the day", "steps", 1));
        long before = harness.jobCount();
        String refused = harness.awaitEphemeral(harness.imagine(carol, guild.general, "prompt", "one too many", "steps", 1));
        assertThat(refused).contains("Daily image quota exceeded").containsPattern("resets <t:\\d+:R>");
        assertThat(harness.jobCount()).isEqualTo(before);

        admin(guild.admin, "quota set", "user", carol, "images_per_day", 5);
        harness.awaitResult(harness.imagine(carol, guild.general, "prompt", "raised", "steps", 1));
        assertThat(db.queryLong("SELECT count(*) FROM moderation_events WHERE kind = 'QUOTA_SET' AND user_id = ?"
                + " AND moderator_id = ?", carol.userId(), guild.admin.userId())).isEqualTo(2);

        admin(guild.admin, "quota set", "role", new FakeDiscord.RoleOption(guild.moderatorRoleId), "gpu_seconds_per_day", 600);
        admin(guild.admin, "quota set", "images_per_day", 100, "concurrent", 3);
        assertThat(admin(guild.admin, "quota list")).contains("the server default: 100 images/day, unlimited GPU-seconds/day, 3 jobs at once")
                .contains("role <@&" + guild.moderatorRoleId + ">: unlimited images/day, 600 GPU-seconds/day")
                .contains("<@" + carol.userId() + ">: 5 images/day");
        assertThat(admin(guild.admin, "quota clear", "role", new FakeDiscord.RoleOption(guild.moderatorRoleId))).contains("Removed");
        assertThat(db.queryLong("SELECT count(*) FROM quota_rules WHERE guild_id = ?", guild.id)).isEqualTo(2);

        // bad input changes nothing
        assertThat(admin(guild.admin, "quota set", "user", carol, "role", new FakeDiscord.RoleOption(guild.moderatorRoleId),
                "images_per_day", 1)).contains("not both");
        assertThat(admin(guild.admin, "quota set", "user", carol, "images_per_day", -1)).contains("`images_per_day` must be at least 0");
        assertThat(admin(guild.admin, "quota set", "user", carol, "concurrent", 0)).contains("`concurrent` must be at least 1");
        assertThat(admin(guild.admin, "quota set", "user", carol)).contains("Give at least one limit");
        assertThat(db.queryLong("SELECT images_per_day FROM quota_rules WHERE scope = 'USER' AND subject_id = ?", carol.userId()))
                .isEqualTo(5);
    }

    @Test
    void relaxModeQueuesAnOverQuotaMembersJobAtTheLowestPriorityWhereAnAdminTurnedItOn() {
        FakeDiscord.RoleOption moderators = new FakeDiscord.RoleOption(guild.moderatorRoleId);
        admin(guild.admin, "quota set", "role", moderators, "images_per_day", 0);
        assertThat(harness.awaitEphemeral(harness.imagine(guild.moderator, guild.general, "prompt", "refused", "steps", 1)))
                .as("relax mode is off").contains("Daily image quota exceeded");
        assertThat(admin(guild.admin, "relax on", "role", moderators)).contains("✅ Relax mode is on for role <@&"
                + guild.moderatorRoleId + ">").contains("**Relax mode:** on for <@&" + guild.moderatorRoleId + ">");
        assertThat(admin(guild.admin, "relax on", "role", moderators)).contains("already on");

        FakeGuild.Member frank = guild.user("frank");
        FakeInteraction busy = harness.imagine(frank, guild.general, "prompt", "keeps the only slot busy", "steps", 40);
        await().atMost(Duration.ofSeconds(10)).until(() -> db.queryLong("SELECT count(*) FROM jobs WHERE prompt ="
                + " 'keeps the only slot busy' AND state = 'RUNNING'") == 1);
        FakeInteraction relaxed = harness.imagine(guild.moderator, guild.general, "prompt", "over quota, relaxed", "steps", 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> db.queryLong("SELECT count(*) FROM jobs WHERE prompt ="
                + " 'over quota, relaxed'") == 1);
        FakeInteraction normal = harness.imagine(frank, guild.general, "prompt", "within quota, later", "steps", 1);
        assertThat(harness.awaitEphemeral(harness.discord.slashCommand(guild.moderator, guild.general, "queue",
                FakeDiscord.options()))).contains("queued in relax mode");
        assertThat(admin(guild.admin, "usage")).contains("**Relax mode:** on for <@&" + guild.moderatorRoleId + ">")
                .contains("1 relaxed job(s) waiting");

        harness.awaitResult(relaxed);
        harness.awaitResult(normal);
        harness.awaitResult(busy);
        assertThat(db.queryLong("SELECT count(*) FROM jobs WHERE prompt = 'within quota, later' AND assigned_at <"
                + " (SELECT assigned_at FROM jobs WHERE prompt = 'over quota, relaxed')"))
                .as("the relaxed job waited for the later one of a member within quota").isEqualTo(1);

        assertThat(admin(guild.admin, "relax off", "role", moderators)).contains("✅ Relax mode is off").contains("**Relax mode:** off");
        assertThat(harness.awaitEphemeral(harness.imagine(guild.moderator, guild.general, "prompt", "refused again", "steps", 1)))
                .contains("Daily image quota exceeded");
        assertThat(db.queryLong("SELECT count(*) FROM moderation_events WHERE kind IN ('RELAX_ON', 'RELAX_OFF')")).isEqualTo(2);
    }

    @Test
    void theConcurrentLimitRefusesASecondJobWhileTheFirstRuns() {
        FakeGuild.Member dave = guild.user("dave");
        admin(guild.admin, "quota set", "user", dave, "concurrent", 1);
        FakeInteraction slow = harness.imagine(dave, guild.general, "prompt", "slow", "steps", 30);
        await().atMost(Duration.ofSeconds(10)).until(() -> db.queryLong("SELECT count(*) FROM jobs WHERE user_id = ?", dave.userId()) == 1);
        String refused = harness.awaitEphemeral(harness.imagine(dave, guild.general, "prompt", "second", "steps", 1));
        assertThat(refused).contains("Too many jobs at once").contains("allows 1 at a time").doesNotContain("resets");
        assertThat(db.queryLong("SELECT count(*) FROM jobs WHERE user_id = ?", dave.userId())).isEqualTo(1);
        harness.awaitResult(slow);
    }

    @Test
    void aGpuSecondsQuotaCountsQueuedWorkSoABurstIsCutOff() {
        FakeGuild.Member erin = guild.user("erin");
        harness.awaitResult(harness.imagine(erin, guild.general, "prompt", "measure", "steps", 10)); // ~1 GPU-s
        await().atMost(Duration.ofSeconds(30)).until(this::idle);
        admin(guild.admin, "quota set", "user", erin, "gpu_seconds_per_day", 4);
        List<FakeInteraction> burst = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            burst.add(harness.imagine(erin, guild.general, "prompt", "burst " + i, "steps", 10));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> burst.stream().allMatch(FakeInteraction::acknowledged));
        long refusals = burst.stream().filter(i -> {
            await().atMost(Duration.ofSeconds(30)).until(() -> harness.discord.original(i).map(m -> !m.loading()).orElse(false)
                    || !harness.discord.ephemerals(i).isEmpty());
            return harness.discord.ephemerals(i).stream().anyMatch(m -> m.content().contains("Daily GPU time quota exceeded"));
        }).count();
        long accepted = db.queryLong("SELECT count(*) FROM jobs WHERE user_id = ? AND prompt LIKE 'burst %'", erin.userId());
        assertThat(accepted).as("1 GPU-s used, about 1 GPU-s per job, a 4 GPU-s limit").isBetween(1L, 3L);
        assertThat(refusals).isEqualTo(6 - accepted);
        await().atMost(Duration.ofSeconds(60)).until(this::idle);
        long spent = db.queryLong("SELECT sum(gpu_ms) FROM usage_ledger WHERE user_id = ?", erin.userId());
        assertThat(spent).as("the burst did not overshoot the limit by more than the estimate's error").isLessThan(4000 + 1000);
    }

    @Test
    void settingsAreValidatedStoredShownAndEnforced() {
        String shown = admin(guild.admin, "settings");
        assertThat(shown).contains("Settings of this server").contains("model `test-pattern`").contains("/imagine channels: everywhere")
                .contains("Progress previews: on").doesNotContain("UNCHECKED");

        assertThat(admin(guild.admin, "settings", "model", "nope")).contains("Unknown model `nope`");
        assertThat(admin(guild.admin, "settings", "steps", 0)).contains("`steps` must be between 1 and 150");
        assertThat(admin(guild.admin, "settings", "size", "999x999")).contains("`size` must be one of");
        assertThat(admin(guild.admin, "settings", "max_images", 5)).contains("`max_images` must be between 1 and 4");
        assertThat(admin(guild.admin, "settings", "steps", 30, "max_steps", 20)).contains("over the limit of 20 steps");
        assertThat(admin(guild.admin, "settings", "size", "1024x1024", "max_size", "512x512")).contains("over the largest size");
        assertThat(admin(guild.admin, "settings", "moderator_role", new FakeDiscord.RoleOption(guild.moderatorRoleId),
                "no_moderator_role", true)).contains("not both");
        assertThat(admin(guild.admin, "settings", "previews", false, "cfg", 99.0)).contains("`cfg` must be between 1 and 30");
        assertThat(db.queryLong("SELECT count(*) FROM guild_settings")).as("nothing half-written").isZero();
        assertThat(db.queryLong("SELECT count(*) FROM generation_defaults")).isZero();

        String updated = admin(guild.admin, "settings", "steps", 3, "negative_prefix", "lowres", "imagine_channel",
                guild.ageRestricted, "max_images", 2, "previews", false, "allow_unchecked", true);
        assertThat(updated).contains("✅ Updated").contains("3 steps").contains("`lowres`").contains("<#" + guild.ageRestricted.id() + ">")
                .contains("Progress previews: off").contains("2 image(s) per request");
        assertThat(db.queryLong("SELECT steps FROM generation_defaults WHERE guild_id = ? AND channel_id = 0", guild.id)).isEqualTo(3);
        assertThat(db.queryLong("SELECT count(*) FROM guild_settings WHERE guild_id = ? AND NOT previews_enabled AND allow_unchecked"
                + " AND max_images = 2 AND negative_prompt_prefix = 'lowres'", guild.id)).isEqualTo(1);
        assertThat(db.queryLong("SELECT count(*) FROM moderation_events WHERE kind = 'SETTINGS_CHANGED'")).isEqualTo(1);

        long before = harness.jobCount();
        assertThat(harness.awaitEphemeral(harness.imagine(guild.alice, guild.general, "prompt", "wrong channel")))
                .contains("use /imagine in <#" + guild.ageRestricted.id() + ">");
        assertThat(harness.awaitEphemeral(harness.imagine(guild.alice, guild.ageRestricted, "prompt", "too many", "count", 3)))
                .contains("limit of 2 images");
        assertThat(harness.jobCount()).isEqualTo(before);
        FakeMessage result = harness.awaitResult(harness.imagine(guild.alice, guild.ageRestricted, "prompt", "right channel",
                "negative", "blurry"));
        long jobId = harness.jobIdOf(result);
        assertThat(db.queryLong("SELECT count(*) FROM jobs WHERE id = ? AND negative_prompt = 'lowres, blurry' AND steps = 3", jobId))
                .isEqualTo(1);
        FakeInteraction reroll = harness.discord.clickButton(guild.alice, result, "job:" + jobId + ":reroll");
        harness.awaitResult(reroll);
        assertThat(db.queryLong("SELECT count(*) FROM jobs WHERE negative_prompt = 'lowres, blurry'"))
                .as("the button re-applies the prefix once").isEqualTo(2);

        db.update("UPDATE workers SET unchecked_models = '{test-pattern}'");
        assertThat(admin(guild.admin, "settings", "imagine_everywhere", true)).contains("/imagine channels: everywhere")
                .contains("Models without a safety checker:** `test-pattern`").contains("UNCHECKED");
        assertThat(harness.awaitEphemeral(harness.discord.slashCommand(guild.alice, guild.general, "help", FakeDiscord.options())))
                .contains("No safety checker for: `test-pattern`");
    }
}
