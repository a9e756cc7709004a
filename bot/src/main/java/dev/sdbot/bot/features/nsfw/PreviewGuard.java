package dev.sdbot.bot.features.nsfw;

import dev.sdbot.bot.discord.ImageObscurer;
import dev.sdbot.db.store.GuildSettingsStore;
import dev.sdbot.scheduler.JobView;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.entities.channel.middleman.GuildMessageChannel;
import net.dv8tion.jda.api.utils.FileUpload;

import java.time.Clock;

/**
 * What a progress message may show of the engine's preview. No checker has seen a preview, so it is treated
 * like an image that did not pass: shown as it is only where the channel's policy would show such an image
 * (ALLOW, or SPOILER behind a spoiler, in an age-restricted channel), else pixelated to
 * {@link ImageObscurer#PREVIEW_PIXELS} pixels; nothing at all when the guild turned previews off. A channel
 * the bot cannot see counts as ordinary.
 */
public final class PreviewGuard {
    static final String FILE_NAME = "preview.png";

    private final GuildSettingsStore guildSettings;
    private final NsfwRules rules;
    private final Clock clock;

    public PreviewGuard(GuildSettingsStore guildSettings, NsfwRules rules, Clock clock) {
        this.guildSettings = guildSettings;
        this.rules = rules;
        this.clock = clock;
    }

    /** The preview upload for the job's progress message, or null for none; {@code preview} is the engine's PNG, or null. */
    public FileUpload preview(JobView job, byte[] preview, JDA jda) {
        if (preview == null || !guildSettings.get(job.origin().guildId(), clock.instant()).isPreviewsEnabled()) {
            return null;
        }
        GuildMessageChannel channel = jda.getChannelById(GuildMessageChannel.class, job.origin().channelId());
        NsfwPolicy.Treatment treatment = rules.forChannel(job.origin().guildId(),
                        NsfwChannels.policyChannelId(channel, job.origin().channelId()), NsfwChannels.ageRestricted(channel))
                .notPassedTreatment();
        return switch (treatment) {
            case POST -> FileUpload.fromData(preview, FILE_NAME);
            case SPOILER -> FileUpload.fromData(preview, FILE_NAME).asSpoiler();
            case BLUR, BLOCK -> FileUpload.fromData(ImageObscurer.pixelate(preview, ImageObscurer.PREVIEW_PIXELS), FILE_NAME);
        };
    }
}
