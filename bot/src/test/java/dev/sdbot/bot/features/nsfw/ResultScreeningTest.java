package dev.sdbot.bot.features.nsfw;

import dev.sdbot.bot.features.nsfw.NsfwPolicy.ChannelRules;
import dev.sdbot.bot.features.nsfw.NsfwPolicy.Policy;
import dev.sdbot.bot.features.nsfw.NsfwPolicy.Treatment;
import dev.sdbot.inference.api.SafetyVerdict;
import dev.sdbot.scheduler.JobResult;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A batch is decided image by image: one flagged image does not take the clean ones with it. */
class ResultScreeningTest {
    private final NsfwPolicy policy = new NsfwPolicy();
    private final List<JobResult> batch = List.of(
            image(0, SafetyVerdict.CLEAN, -0.2f),
            image(1, SafetyVerdict.FLAGGED, 0.03f),
            image(2, SafetyVerdict.UNCHECKED),
            image(3, SafetyVerdict.CLEAN, -0.1f));

    @Test
    void blockWithholdsOnlyTheImagesThatDidNotPass() {
        ResultScreening.Screened screened = screen(new ChannelRules(Policy.BLOCK, 0, false, false));
        assertThat(screened.shown()).extracting(s -> s.image().index(), ShownImage::treatment)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(0, Treatment.POST),
                        org.assertj.core.groups.Tuple.tuple(3, Treatment.POST));
        assertThat(screened.withheld()).isEqualTo(2);
        assertThat(screened.blockedReason()).contains("flagged");
    }

    @Test
    void blurObscuresOnlyTheImagesThatDidNotPass() {
        ResultScreening.Screened screened = screen(new ChannelRules(Policy.SPOILER, 0, false, false));
        assertThat(screened.shown()).extracting(ShownImage::treatment)
                .containsExactly(Treatment.POST, Treatment.BLUR, Treatment.BLUR, Treatment.POST);
        assertThat(screened.withheld()).isZero();
    }

    @Test
    void aBatchWithNothingToShowExplainsWhy() {
        ResultScreening.Screened screened = new ResultScreening.Screened(null, new ChannelRules(Policy.BLOCK, 0, false, false),
                List.of(decided(image(0, SafetyVerdict.UNCHECKED), new ChannelRules(Policy.BLOCK, 0, false, false))));
        assertThat(screened.shown()).isEmpty();
        assertThat(screened.blockedReason()).contains("no safety checker could check it");
    }

    private ResultScreening.Screened screen(ChannelRules rules) {
        return new ResultScreening.Screened(null, rules, batch.stream().map(i -> decided(i, rules)).toList());
    }

    private NsfwResultAudit.Decided decided(JobResult image, ChannelRules rules) {
        return new NsfwResultAudit.Decided(image, policy.decide(image.safety(), image.nsfwScores(), rules));
    }

    private static JobResult image(int index, SafetyVerdict safety, float... scores) {
        return new JobResult(1, index, 1, new byte[0], 100 + index, safety, scores, 10);
    }
}
