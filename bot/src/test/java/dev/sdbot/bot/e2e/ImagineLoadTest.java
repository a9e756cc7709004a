package dev.sdbot.bot.e2e;

import dev.sdbot.testkit.fake.FakeGuild;
import dev.sdbot.testkit.fake.FakeInteraction;
import dev.sdbot.testkit.fake.FakeMessage;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** 200 /imagine from 50 members within 10 s: every one acknowledged within 3 s, every result posted once. */
@EndToEndTest.Harness(workerSlots = 4)
class ImagineLoadTest extends EndToEndTest {
    private static final int REQUESTS = 200;
    private static final int MEMBERS = 50;
    private static final Duration SPREAD = Duration.ofSeconds(10);

    @Test
    void twoHundredRequestsFromFiftyMembersInTenSeconds() throws Exception {
        FakeGuild guild = harness.discord.guild();
        List<FakeGuild.Member> members = new ArrayList<>();
        for (int i = 0; i < MEMBERS; i++) {
            members.add(guild.user("member-" + i));
        }
        List<FakeInteraction> sent = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < REQUESTS; i++) {
            long due = start + SPREAD.toNanos() * i / REQUESTS;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            sent.add(harness.imagine(members.get(i % MEMBERS), guild.general, "prompt", "load test " + i, "steps", 2));
        }

        await().atMost(Duration.ofSeconds(15)).until(() -> sent.stream().allMatch(FakeInteraction::calledBack));
        List<Double> acks = sent.stream().map(FakeInteraction::callbackMillis).sorted().toList();
        double p50 = acks.get(acks.size() / 2);
        double p99 = acks.get((int) Math.ceil(acks.size() * 0.99) - 1);
        System.out.printf("LOAD TEST: %d /imagine from %d members in %d s: ack latency p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                REQUESTS, MEMBERS, SPREAD.toSeconds(), p50, p99, acks.get(acks.size() - 1));
        assertThat(acks.get(acks.size() - 1)).as("every interaction acknowledged within 3 s").isLessThan(3000);
        assertThat(sent).allMatch(i -> i.ackType() == 5);

        await().atMost(Duration.ofMinutes(3)).until(() -> db.queryLong("SELECT count(*) FROM jobs WHERE state = 'POSTED'") == REQUESTS);
        long posted = System.nanoTime();
        System.out.printf("LOAD TEST: all %d results posted %.1f s after the first request%n", REQUESTS, (posted - start) / 1e9);
        List<FakeMessage> results = harness.discord.visibleMessages(guild.general).stream()
                .filter(m -> !m.buttonIds().isEmpty()).toList();
        assertThat(results).hasSize(REQUESTS);
        Map<String, Long> perJob = results.stream().collect(Collectors.groupingBy(m -> m.buttonIds().get(0), Collectors.counting()));
        assertThat(perJob).hasSize(REQUESTS).allSatisfy((job, count) -> assertThat(count).isEqualTo(1));
        Map<Long, FakeMessage> byId = results.stream().collect(Collectors.toMap(FakeMessage::id, Function.identity()));
        assertThat(db.queryLong("SELECT count(*) FROM jobs WHERE posted_message_id IS NULL")).isZero();
        for (FakeInteraction interaction : sent) {
            assertThat(byId).containsKey(harness.discord.original(interaction).orElseThrow().id());
        }
    }
}
