package dev.sdbot.bot.features.imagine;

import dev.sdbot.bot.discord.Rejection;
import dev.sdbot.bot.features.moderation.BlockTexts;
import dev.sdbot.db.store.MemberBlockStore;
import dev.sdbot.inference.api.GenerationRequest;

import java.util.List;

/** Refuses every submit (/imagine and each re-submitting button) of a member blocked in the guild. */
public final class MemberBlockCheck implements SubmitCheck {
    private final MemberBlockStore blocks;

    public MemberBlockCheck(MemberBlockStore blocks) {
        this.blocks = blocks;
    }

    @Override
    public GenerationRequest check(Submitter submitter, GenerationRequest request, List<String> notices) {
        blocks.activeBlock(submitter.guildId(), submitter.userId()).ifPresent(block -> {
            throw new Rejection("⛔ A moderator blocked you from generating images in this server "
                    + BlockTexts.until(block.expiresAt()) + ". Reason: " + block.reason());
        });
        return request;
    }
}
