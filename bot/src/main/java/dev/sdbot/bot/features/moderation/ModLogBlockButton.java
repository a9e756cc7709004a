package dev.sdbot.bot.features.moderation;

import dev.sdbot.bot.discord.ButtonHandler;
import dev.sdbot.bot.discord.JobButtonId;
import dev.sdbot.bot.discord.StaffAccess;
import dev.sdbot.db.store.MemberBlockStore;
import dev.sdbot.scheduler.JobService;
import dev.sdbot.scheduler.JobView;
import net.dv8tion.jda.api.events.interaction.component.ButtonInteractionEvent;

import java.util.concurrent.Executor;

/**
 * "Block user" of a mod-log entry: blocks the job's requester in its guild until unblocked (moderators only, within
 * {@link BlockProtection} like /mod block).
 */
public final class ModLogBlockButton implements ButtonHandler {
    private final ModLogButtons buttons;
    private final MemberBlockStore blocks;
    private final BlockProtection protection;
    private final AuditTrail audit;

    public ModLogBlockButton(JobService jobs, StaffAccess access, MemberBlockStore blocks, AuditTrail audit,
                             Executor work) {
        this.buttons = new ModLogButtons(jobs, access, work);
        this.blocks = blocks;
        this.protection = new BlockProtection(access);
        this.audit = audit;
    }

    @Override
    public String action() {
        return ModLog.BLOCK_ACTION;
    }

    @Override
    public void onButton(ButtonInteractionEvent event, JobButtonId id) {
        buttons.handle(event, id, this::block);
    }

    private String block(ButtonInteractionEvent event, JobView job) {
        long guildId = job.origin().guildId();
        long userId = job.origin().userId();
        long moderatorId = event.getUser().getIdLong();
        protection.refuseProtected(event.getGuild(), event.getMember(), userId); // the same rule as /mod block
        String reason = "blocked from the mod log over job " + job.id();
        blocks.block(guildId, userId, moderatorId, reason, null);
        audit.record(guildId, job.id(), userId, moderatorId, "block", reason, "{}");
        return "⛔ <@" + userId + "> is blocked from generating in this server until a moderator unblocks them.";
    }
}
