package dev.sdbot.bot.features.moderation;

import dev.sdbot.bot.discord.ImageObscurer;
import net.dv8tion.jda.api.Permission;
import net.dv8tion.jda.api.entities.channel.attribute.IAgeRestrictedChannel;
import net.dv8tion.jda.api.entities.channel.middleman.GuildChannel;
import dev.sdbot.bot.discord.DiscordConnection;
import dev.sdbot.bot.discord.JobButtonId;
import dev.sdbot.bot.discord.Texts;
import dev.sdbot.db.entity.ModerationEvent;
import dev.sdbot.db.store.GuildSettingsStore;
import net.dv8tion.jda.api.EmbedBuilder;
import net.dv8tion.jda.api.components.actionrow.ActionRow;
import net.dv8tion.jda.api.components.buttons.Button;
import net.dv8tion.jda.api.entities.Guild;
import net.dv8tion.jda.api.entities.MessageEmbed;
import net.dv8tion.jda.api.entities.channel.middleman.GuildMessageChannel;
import net.dv8tion.jda.api.utils.FileUpload;
import net.dv8tion.jda.api.utils.messages.MessageCreateBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.awt.Color;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * Posts moderation events to the guild's mod-log channel ({@code guild_settings.mod_log_channel_id}), if
 * one is set: who, what, why, the given summary (prompt, scores...), images behind spoilers (pixelated in a channel
 * that is not private, see {@link #whyNotPrivate}), and for events
 * about a job the buttons "Delete public message" and "Block user". Best effort: the event is already in
 * {@code moderation_events}; a channel the bot cannot post in is logged, never retried.
 */
public final class ModLog {
    private static final Logger LOG = LoggerFactory.getLogger(ModLog.class);
    /** Button actions ({@code job:<id>:<action>}) of a mod-log entry. */
    public static final String DELETE_ACTION = "modremove";
    public static final String BLOCK_ACTION = "modblock";

    /** An image shown in the entry (always behind a spoiler). */
    public record Image(String fileName, byte[] png) {
    }

    private final GuildSettingsStore guildSettings;
    private final Clock clock;
    private volatile DiscordConnection discord;

    public ModLog(GuildSettingsStore guildSettings, Clock clock) {
        this.guildSettings = guildSettings;
        this.clock = clock;
    }

    /** Events before the bot is connected are only recorded, not posted. */
    public void connect(DiscordConnection discord) {
        this.discord = discord;
    }

    /**
     * Why members who are not staff can see the channel, or empty if they cannot: a mod log shows originals that
     * failed the safety check, so it must be age-restricted or hidden from @everyone.
     */
    public static Optional<String> whyNotPrivate(GuildChannel channel) {
        boolean ageRestricted = channel instanceof IAgeRestrictedChannel aged && aged.isNSFW();
        if (ageRestricted || !channel.getGuild().getPublicRole().hasPermission(channel, Permission.VIEW_CHANNEL)) {
            return Optional.empty();
        }
        return Optional.of("<#" + channel.getIdLong() + "> is neither age-restricted nor hidden from @everyone, so every"
                + " member could see the flagged originals posted there");
    }

    /**
     * Posts the entry; in a channel that is no longer private (it may have changed since {@code /mod log channel}),
     * with the images pixelated only and a line saying why.
     *
     * @param summary markdown shown as the entry's text (null: the reason alone)
     */
    public void post(ModerationEvent event, String summary, List<Image> images) {
        try {
            Optional<GuildMessageChannel> channel = channel(event.getGuildId());
            if (channel.isPresent()) {
                Optional<String> exposed = whyNotPrivate(channel.get());
                List<Image> shown = exposed.isEmpty() ? images : images.stream()
                        .map(i -> new Image(i.fileName(), ImageObscurer.pixelate(i.png(), ImageObscurer.RESULT_PIXELS)))
                        .toList();
                String text = exposed.isEmpty() || images.isEmpty() ? summary
                        : (summary == null ? event.getReason() : summary) + "\n⚠️ Images pixelated: " + exposed.get()
                        + ". Make it age-restricted or private to see originals here.";
                channel.get().sendMessage(message(event, text, shown).build()).queue(null, failure ->
                        LOG.warn("could not post {} of guild {} to its mod log: {}", event.getKind(), event.getGuildId(),
                                failure.toString()));
            }
        } catch (RuntimeException e) {
            LOG.warn("could not post {} of guild {} to its mod log: {}", event.getKind(), event.getGuildId(), e.toString());
        }
    }

    private Optional<GuildMessageChannel> channel(long guildId) {
        DiscordConnection connection = discord;
        if (connection == null) {
            return Optional.empty();
        }
        Optional<Guild> guild = connection.guild(guildId);
        Long channelId = guild.isEmpty() ? null : guildSettings.get(guildId, clock.instant()).getModLogChannelId();
        return channelId == null ? Optional.empty()
                : Optional.ofNullable(guild.get().getChannelById(GuildMessageChannel.class, channelId));
    }

    static MessageCreateBuilder message(ModerationEvent event, String summary, List<Image> images) {
        EmbedBuilder embed = new EmbedBuilder()
                .setColor(event.getModeratorId() == null ? new Color(0xED4245) : new Color(0xFEE75C))
                .setTitle(Texts.truncate(event.getKind(), MessageEmbed.TITLE_MAX_LENGTH))
                .setDescription(Texts.truncate(summary == null ? event.getReason() : summary,
                        MessageEmbed.DESCRIPTION_MAX_LENGTH))
                .addField("Member", "<@" + event.getUserId() + ">", true)
                .addField("By", event.getModeratorId() == null ? "sdbot (automatic)" : "<@" + event.getModeratorId() + ">", true)
                .setTimestamp(event.getCreatedAt());
        if (summary != null && !summary.equals(event.getReason())) {
            embed.addField("Reason", Texts.truncate(event.getReason(), MessageEmbed.VALUE_MAX_LENGTH), false);
        }
        if (event.getJobId() != null) {
            embed.setFooter("Job " + event.getJobId());
        }
        MessageCreateBuilder message = new MessageCreateBuilder().setEmbeds(embed.build()).setAllowedMentions(List.of());
        for (Image image : images) {
            message.addFiles(FileUpload.fromData(image.png(), image.fileName()).asSpoiler());
        }
        if (event.getJobId() != null) {
            message.setComponents(ActionRow.of(
                    Button.danger(new JobButtonId(event.getJobId(), DELETE_ACTION).customId(), "Delete public message"),
                    Button.danger(new JobButtonId(event.getJobId(), BLOCK_ACTION).customId(), "Block user")));
        }
        return message;
    }
}
