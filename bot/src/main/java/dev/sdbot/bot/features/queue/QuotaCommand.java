package dev.sdbot.bot.features.queue;

import dev.sdbot.bot.discord.SlashCommand;
import dev.sdbot.scheduler.JobService;
import dev.sdbot.scheduler.QuotaStatus;
import net.dv8tion.jda.api.interactions.InteractionContextType;
import net.dv8tion.jda.api.entities.ISnowflake;
import net.dv8tion.jda.api.events.interaction.command.SlashCommandInteractionEvent;
import net.dv8tion.jda.api.interactions.commands.build.Commands;
import net.dv8tion.jda.api.interactions.commands.build.SlashCommandData;
import net.dv8tion.jda.api.utils.TimeFormat;

import java.util.List;
import java.util.concurrent.Executor;

/** {@code /quota}: the member's use today against their limits (ephemeral). */
public final class QuotaCommand implements SlashCommand {
    private final JobService jobs;
    private final Executor work;

    public QuotaCommand(JobService jobs, Executor work) {
        this.jobs = jobs;
        this.work = work;
    }

    @Override
    public SlashCommandData data() {
        return Commands.slash("quota", "Your use today and your limits").setContexts(InteractionContextType.GUILD);
    }

    @Override
    public void onSlashCommand(SlashCommandInteractionEvent event) {
        event.deferReply(true).queue();
        List<Long> roles = event.getMember().getRoles().stream().map(ISnowflake::getIdLong).toList();
        work.execute(() -> {
            QuotaStatus q = jobs.quotaStatus(event.getGuild().getIdLong(), event.getUser().getIdLong(), roles);
            event.getHook().editOriginal(describe(q)).queue();
        });
    }

    static String describe(QuotaStatus q) {
        String images = q.imagesUsed() + " image(s) today" + (q.imagesPending() > 0 ? " + " + q.imagesPending() + " in progress" : "")
                + (q.imagesLimit() == null ? " (no limit)" : " of " + q.imagesLimit());
        String gpu = String.format("%.1f GPU s", q.gpuMillisUsed() / 1000.0)
                + (q.gpuSecondsLimit() == null ? " (no limit)" : " of " + q.gpuSecondsLimit());
        return "**Your quota**\n• " + images + "\n• " + gpu + "\nResets " + TimeFormat.RELATIVE.format(q.resetsAt()) + ".";
    }
}
