package dev.sdbot.bot.features.moderation;

import dev.sdbot.bot.discord.Rejection;
import dev.sdbot.bot.discord.StaffSubcommand;
import dev.sdbot.db.store.GuildSettingsStore;
import net.dv8tion.jda.api.Permission;
import net.dv8tion.jda.api.entities.channel.ChannelType;
import net.dv8tion.jda.api.entities.channel.middleman.GuildChannel;
import net.dv8tion.jda.api.entities.channel.middleman.GuildMessageChannel;
import net.dv8tion.jda.api.events.interaction.command.SlashCommandInteractionEvent;
import net.dv8tion.jda.api.interactions.commands.OptionMapping;
import net.dv8tion.jda.api.interactions.commands.OptionType;
import net.dv8tion.jda.api.interactions.commands.build.OptionData;
import net.dv8tion.jda.api.interactions.commands.build.SubcommandData;
import net.dv8tion.jda.api.utils.messages.MessageEditData;

import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code /mod log channel channel:<#channel>}: where flagged and unchecked results, blocked prompts,
 * automatic blocks and moderator actions are posted. The bot must be able to post there with images, and the
 * channel must be private (age-restricted or hidden from @everyone: {@link ModLog#whyNotPrivate}).
 */
public final class ModLogChannelSubcommand implements StaffSubcommand {
    static final Set<Permission> NEEDED = EnumSet.of(Permission.VIEW_CHANNEL, Permission.MESSAGE_SEND,
            Permission.MESSAGE_EMBED_LINKS, Permission.MESSAGE_ATTACH_FILES);

    private final GuildSettingsStore guildSettings;
    private final AuditTrail audit;
    private final Clock clock;

    public ModLogChannelSubcommand(GuildSettingsStore guildSettings, AuditTrail audit, Clock clock) {
        this.guildSettings = guildSettings;
        this.audit = audit;
        this.clock = clock;
    }

    @Override
    public String group() {
        return "log";
    }

    @Override
    public SubcommandData data() {
        return new SubcommandData("channel", "Post moderation events (flagged images, blocks, actions) to this channel")
                .addOptions(new OptionData(OptionType.CHANNEL, "channel", "The mod-log channel", true)
                        .setChannelTypes(ChannelType.TEXT));
    }

    @Override
    public MessageEditData run(SlashCommandInteractionEvent event) {
        long guildId = event.getGuild().getIdLong();
        GuildChannel channel = event.getOption("channel", OptionMapping::getAsChannel);
        if (channel == null) {
            throw new Rejection("Name the mod-log `channel`.");
        }
        if (!(channel instanceof GuildMessageChannel) || channel.getGuild().getIdLong() != guildId) {
            throw new Rejection("<#" + channel.getIdLong() + "> is not a text channel of this server.");
        }
        List<Permission> missing = NEEDED.stream()
                .filter(p -> !event.getGuild().getSelfMember().hasPermission(channel, p)).toList();
        if (!missing.isEmpty()) {
            throw new Rejection("I can't use <#" + channel.getIdLong() + "> as the mod log: I'm missing "
                    + missing.stream().map(Permission::getName).collect(Collectors.joining(", "))
                    + " there. Nothing was changed.");
        }
        Optional<String> notPrivate = ModLog.whyNotPrivate(channel);
        if (notPrivate.isPresent()) {
            throw new Rejection("I won't use it as the mod log: " + notPrivate.get() + ". Make it age-restricted or deny View Channel to @everyone "
                    + "(allowing the moderators), then try again. Nothing was changed.");
        }
        Instant now = clock.instant();
        guildSettings.update(guildId, now, s -> s.setModLogChannelId(channel.getIdLong(), now));
        long moderatorId = event.getUser().getIdLong();
        audit.record(guildId, null, moderatorId, moderatorId, "mod_log_channel",
                "mod log set to <#" + channel.getIdLong() + ">", "{\"channel_id\": " + channel.getIdLong() + "}");
        return StaffSubcommand.text("✅ Moderation events will be posted in <#" + channel.getIdLong() + ">.");
    }
}
