package dev.sdbot.bot.features.moderation.filter;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A regular-expression rule, case-insensitive, matched against the original prompt and its canonical form
 * (so accents, full-width letters and zero-width characters don't hide a match). Each match runs against a
 * deadline; one that runs out, or breaks, throws {@link RuleCheckFailedException}. Each text is checked only while
 * the submit's {@link ScreeningBudget} lasts.
 */
public final class RegexRule implements CompiledRule {
    /** How long one regex may take on one text. */
    public static final Duration TIME_LIMIT = Duration.ofMillis(50);

    private final FilterRuleRef rule;
    private final Pattern pattern;

    /** @throws PatternSyntaxException if the pattern is not a valid regex */
    public RegexRule(FilterRuleRef rule) {
        this.rule = rule;
        this.pattern = compile(rule.pattern());
    }

    public static Pattern compile(String regex) {
        return Pattern.compile(regex, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    }

    @Override
    public FilterRuleRef rule() {
        return rule;
    }

    @Override
    public List<Span> find(PromptText text, ScreeningBudget budget) {
        List<Span> found = new ArrayList<>();
        for (Span match : matches(text.original(), budget)) {
            found.add(match);
        }
        for (Span match : matches(text.canonical(), budget)) {
            found.add(new Span(text.sourceStart(match.start()), text.sourceEnd(match.end() - 1)));
        }
        return found;
    }

    /** The non-empty matches in {@code text}, positions in {@code text}. */
    private List<Span> matches(String text, ScreeningBudget budget) {
        budget.checkNow(rule);
        List<Span> found = new ArrayList<>();
        try {
            Matcher matcher = pattern.matcher(new DeadlineCharSequence(text, System.nanoTime() + TIME_LIMIT.toNanos()));
            while (matcher.find()) {
                if (matcher.end() > matcher.start()) {
                    found.add(new Span(matcher.start(), matcher.end()));
                }
            }
        } catch (DeadlineCharSequence.TimedOut e) {
            throw new RuleCheckFailedException("rule #" + rule.id() + " took longer than " + TIME_LIMIT.toMillis()
                    + " ms");
        } catch (StackOverflowError | RuntimeException e) {
            throw new RuleCheckFailedException("rule #" + rule.id() + " failed: " + e);
        }
        return found;
    }
}
