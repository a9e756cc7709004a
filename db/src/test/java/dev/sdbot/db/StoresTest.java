package dev.sdbot.db;

import dev.sdbot.db.entity.FilterRule;
import dev.sdbot.db.entity.ModerationEvent;
import dev.sdbot.db.entity.QuotaRule;
import dev.sdbot.db.entity.QuotaScope;
import dev.sdbot.db.store.FilterRuleStore;
import dev.sdbot.db.store.GuildSettingsStore;
import dev.sdbot.db.store.ModerationEventStore;
import dev.sdbot.db.store.QuotaRuleStore;
import dev.sdbot.db.testing.EmbeddedPostgresExtension;
import dev.sdbot.db.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(EmbeddedPostgresExtension.class)
class StoresTest {
    private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");

    @Test
    void quotaRulesAreUpsertedAndSelectedForAMember(TestDatabase db) {
        QuotaRuleStore store = new QuotaRuleStore(db.sessionFactory());
        store.put(1, QuotaScope.GUILD_DEFAULT, 999, 10, null, NOW);
        store.put(1, QuotaScope.ROLE, 7, 50, 600, NOW);
        store.put(1, QuotaScope.USER, 100, 5, null, NOW);
        store.put(1, QuotaScope.USER, 100, 6, null, NOW); // replaces
        store.put(2, QuotaScope.GUILD_DEFAULT, 0, 1, null, NOW);

        List<QuotaRule> rules = store.applicable(1, 100, List.of(7L, 8L));
        assertThat(rules).extracting(QuotaRule::getScope, QuotaRule::getImagesPerDay)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(QuotaScope.GUILD_DEFAULT, 10),
                        org.assertj.core.groups.Tuple.tuple(QuotaScope.ROLE, 50),
                        org.assertj.core.groups.Tuple.tuple(QuotaScope.USER, 6));
        assertThat(store.applicable(1, 200, List.of())).extracting(QuotaRule::getScope).containsExactly(QuotaScope.GUILD_DEFAULT);
        assertThat(store.ofGuild(1)).hasSize(3);
        assertThatThrownBy(() -> store.put(1, QuotaScope.USER, 5, -1, null, NOW)).hasMessageContaining("negative");
    }

    @Test
    void guildSettingsFiltersAndModerationEventsRoundTrip(TestDatabase db) {
        GuildSettingsStore settings = new GuildSettingsStore(db.sessionFactory());
        assertThat(settings.get(5, NOW).getNsfwPolicy()).isEqualTo("BLOCK");
        settings.update(5, NOW, s -> s.setNsfwPolicy("SPOILER", NOW));
        assertThat(settings.get(5, NOW).getNsfwPolicy()).isEqualTo("SPOILER");
        assertThatThrownBy(() -> settings.update(5, NOW, s -> s.setNsfwPolicy("MAYBE", NOW))).hasMessageContaining("ALLOW, SPOILER");

        FilterRuleStore filters = new FilterRuleStore(db.sessionFactory());
        FilterRule rule = filters.add(new FilterRule(5, "PHRASE", "gore", "BLOCK", 77, NOW));
        assertThat(filters.ofGuild(5)).extracting(FilterRule::getPattern).containsExactly("gore");
        assertThat(filters.remove(6, rule.getId())).as("other guild's rule id").isFalse();
        assertThat(filters.remove(5, rule.getId())).isTrue();

        ModerationEventStore events = new ModerationEventStore(db.sessionFactory());
        events.record(new ModerationEvent(5, null, 100, 77L, "PROMPT_BLOCKED", "matched gore", "{\"word\":\"gore\"}", NOW));
        assertThat(events.recent(5, 10)).singleElement().satisfies(e -> assertThat(e.getDetails()).contains("gore"));
    }
}
