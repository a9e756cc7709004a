package dev.sdbot.bot.features.moderation;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sdbot.bot.features.moderation.filter.FilterRuleRef;
import dev.sdbot.bot.features.moderation.filter.Screening;

import java.util.List;

/**
 * The moderation events of the prompt filter, through {@link AuditTrail}: automatic hits
 * (PROMPT_BLOCKED, PROMPT_STRIPPED, PROMPT_WARNED) and moderators' changes to the rules
 * (FILTER_ADDED, FILTER_REMOVED, FILTER_DEFAULTS_CHANGED).
 */
public final class FilterAudit {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AuditTrail trail;

    public FilterAudit(AuditTrail trail) {
        this.trail = trail;
    }

    /** Where a screened prompt came from and what it said. */
    public record Attempt(long guildId, long channelId, long userId, boolean buttonPress, String prompt,
                          String negativePrompt) {
    }

    /** A prompt refused: a BLOCK rule matched, or a rule could not be checked. */
    public void blocked(Attempt attempt, String field, Screening screening) {
        FilterRuleRef rule = screening.blockedBy() != null ? screening.blockedBy() : screening.failed();
        String reason = screening.blockedBy() != null
                ? "the " + field + " matched " + rule.describe()
                : "the " + field + " could not be checked: " + screening.failure();
        ObjectNode details = details(attempt, List.of(rule)).put("field", field);
        if (screening.failure() != null) {
            details.put("failure", screening.failure());
        }
        trail.record(attempt.guildId(), null, attempt.userId(), null, "PROMPT_BLOCKED", reason, details.toString());
    }

    public void stripped(Attempt attempt, List<FilterRuleRef> rules, String prompt, String negativePrompt) {
        ObjectNode details = details(attempt, rules).put("stripped_prompt", prompt)
                .put("stripped_negative_prompt", negativePrompt);
        trail.record(attempt.guildId(), null, attempt.userId(), null, "PROMPT_STRIPPED",
                "removed words matching " + describe(rules), details.toString());
    }

    public void warned(Attempt attempt, List<FilterRuleRef> rules) {
        trail.record(attempt.guildId(), null, attempt.userId(), null, "PROMPT_WARNED",
                "the prompt matched " + describe(rules), details(attempt, rules).toString());
    }

    public void ruleAdded(long guildId, long moderatorId, FilterRuleRef rule) {
        trail.record(guildId, null, moderatorId, moderatorId, "FILTER_ADDED", "added " + rule.describe(),
                rule(JSON.createObjectNode(), rule).toString());
    }

    public void ruleRemoved(long guildId, long moderatorId, FilterRuleRef rule) {
        trail.record(guildId, null, moderatorId, moderatorId, "FILTER_REMOVED", "removed " + rule.describe(),
                rule(JSON.createObjectNode(), rule).toString());
    }

    public void defaultsChanged(long guildId, long moderatorId, boolean enabled) {
        trail.record(guildId, null, moderatorId, moderatorId, "FILTER_DEFAULTS_CHANGED",
                "default word list " + (enabled ? "switched on" : "switched off"),
                JSON.createObjectNode().put("enabled", enabled).toString());
    }

    private static ObjectNode details(Attempt attempt, List<FilterRuleRef> rules) {
        ObjectNode details = JSON.createObjectNode()
                .put("channel_id", attempt.channelId())
                .put("source", attempt.buttonPress() ? "button" : "imagine")
                .put("prompt", attempt.prompt())
                .put("negative_prompt", attempt.negativePrompt());
        if (rules.size() == 1) {
            rule(details, rules.get(0));
        }
        ArrayNode list = details.putArray("rules");
        rules.forEach(r -> rule(list.addObject(), r));
        return details;
    }

    private static ObjectNode rule(ObjectNode node, FilterRuleRef rule) {
        if (rule.builtIn()) {
            node.putNull("rule_id").put("built_in", true);
        } else {
            node.put("rule_id", rule.id());
        }
        return node.put("kind", rule.kind().name()).put("pattern", rule.pattern()).put("action", rule.action().name());
    }

    private static String describe(List<FilterRuleRef> rules) {
        return String.join(", ", rules.stream().map(FilterRuleRef::describe).toList());
    }
}
