package dev.sdbot.db;

import dev.sdbot.db.entity.QuotaRule;
import dev.sdbot.db.entity.QuotaScope;
import dev.sdbot.db.store.GenerationDefaultsStore;
import dev.sdbot.db.store.GenerationDefaultsStore.GenerationDefaults;
import dev.sdbot.db.store.GuildSettingsStore;
import dev.sdbot.db.store.QuotaRuleStore;
import dev.sdbot.db.testing.EmbeddedPostgresExtension;
import dev.sdbot.db.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What /admin quota and /admin settings write: per guild, and settings with defaults all or nothing. */
@ExtendWith(EmbeddedPostgresExtension.class)
class AdminSettingsStoresTest {
    private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");
    private static final long A = 11;
    private static final long B = 12;

    @Test
    void quotaRulesOfOneGuildNeverShowOrChangeInAnother(TestDatabase db) {
        QuotaRuleStore rules = new QuotaRuleStore(db.sessionFactory());
        rules.put(A, QuotaScope.USER, 5, 3, 60, 2, NOW);
        rules.put(B, QuotaScope.USER, 5, 9, null, null, NOW);
        assertThat(rules.ofGuild(A)).extracting(QuotaRule::getImagesPerDay, QuotaRule::getConcurrentJobs)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(3, 2));
        assertThat(rules.remove(B, QuotaScope.USER, 5)).isTrue();
        assertThat(rules.ofGuild(A)).hasSize(1);
        assertThat(rules.ofGuild(B)).isEmpty();
        assertThatThrownBy(() -> rules.put(A, QuotaScope.USER, 5, 3, 60, 0, NOW)).hasMessageContaining("at least 1");
        assertThat(rules.ofGuild(A).get(0).getConcurrentJobs()).isEqualTo(2);

        rules.merge(A, QuotaScope.USER, 5, null, 90, null, NOW); // only the GPU limit changes
        assertThat(rules.ofGuild(A)).extracting(QuotaRule::getImagesPerDay, QuotaRule::getGpuSecondsPerDay,
                QuotaRule::getConcurrentJobs).containsExactly(org.assertj.core.groups.Tuple.tuple(3, 90, 2));
        rules.merge(B, QuotaScope.GUILD_DEFAULT, 777, 4, null, null, NOW);
        assertThat(rules.ofGuild(B)).extracting(QuotaRule::getSubjectId, QuotaRule::getImagesPerDay,
                QuotaRule::getGpuSecondsPerDay).containsExactly(org.assertj.core.groups.Tuple.tuple(0L, 4, null));
        assertThat(rules.ofGuild(A)).hasSize(1);
    }

    @Test
    void settingsAndGenerationDefaultsAreWrittenTogetherOrNotAtAllAndPerGuild(TestDatabase db) {
        GuildSettingsStore settings = new GuildSettingsStore(db.sessionFactory());
        GenerationDefaultsStore defaults = new GenerationDefaultsStore(db.dataSource());
        settings.update(A, NOW, s -> {
            s.setNegativePromptPrefix("lowres", NOW);
            s.setImagineChannelIds(new long[] {42}, NOW);
        }, (s, row) -> new GenerationDefaults(A, 0, "m", null, 12, null, 512, 512, null, 512L * 512));
        assertThat(settings.get(A, NOW).getNegativePromptPrefix()).isEqualTo("lowres");
        assertThat(defaults.find(A, 0).orElseThrow().steps()).isEqualTo(12);
        assertThat(settings.get(B, NOW).getNegativePromptPrefix()).isEmpty();
        assertThat(settings.get(B, NOW).getImagineChannelIds()).isEmpty();
        assertThat(defaults.find(B, 0)).isEmpty();

        // a failure in the defaults part rolls the settings part back (and the other way round)
        assertThatThrownBy(() -> settings.update(A, NOW, s -> s.setNegativePromptPrefix("changed", NOW),
                (s, row) -> new GenerationDefaults(A, 0, "m", null, 999, null, 512, 512, null, null))).isNotNull();
        assertThat(settings.get(A, NOW).getNegativePromptPrefix()).isEqualTo("lowres");
        assertThatThrownBy(() -> settings.update(A, NOW, s -> s.setNegativePromptPrefix("x".repeat(501), NOW),
                (s, row) -> new GenerationDefaults(A, 0, "other", null, 20, null, 512, 512, null, null)))
                .hasMessageContaining("at most 500");
        assertThat(defaults.find(A, 0).orElseThrow().model()).isEqualTo("m");
        assertThat(defaults.find(A, 0).orElseThrow().maxPixels()).isEqualTo(512L * 512);
    }
}
