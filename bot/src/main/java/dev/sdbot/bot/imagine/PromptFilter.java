package dev.sdbot.bot.imagine;

import java.util.Optional;

/** Decides whether a prompt may be generated in a guild. The one place prompt moderation plugs in. */
public interface PromptFilter {

    /**
     * @return the category of the rule that blocks the prompt (shown to the member; the rule itself is
     *         not), or empty when the prompt may be generated
     */
    Optional<String> blockedCategory(long guildId, String prompt, String negativePrompt);
}
