package dev.sdbot.bot.results;

/**
 * What to do with a result the safety checker flagged; the one place moderation settings will extend.
 * Safe default: never in an ordinary channel; in an age-restricted channel behind a spoiler, or openly
 * when the guild's policy says POST.
 */
public final class NsfwPolicy {

    public enum Action { POST, SPOILER, BLOCK }

    /**
     * @param flagged              whether any image of the job was flagged
     * @param ageRestrictedChannel whether the channel is marked age-restricted (NSFW)
     * @param guildPolicy          the guild's {@code nsfw_policy} setting (POST, SPOILER, BLUR, BLOCK)
     */
    public Action decide(boolean flagged, boolean ageRestrictedChannel, String guildPolicy) {
        if (!flagged) {
            return Action.POST;
        }
        if (!ageRestrictedChannel) {
            return Action.BLOCK;
        }
        return "ALLOW".equals(guildPolicy) ? Action.POST : Action.SPOILER;
    }
}
