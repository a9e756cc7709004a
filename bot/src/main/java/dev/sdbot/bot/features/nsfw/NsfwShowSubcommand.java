package dev.sdbot.bot.features.nsfw;

import dev.sdbot.bot.discord.StaffSubcommand;
import dev.sdbot.bot.discord.Texts;
import dev.sdbot.db.entity.GuildSettings;
import dev.sdbot.db.store.ChannelNsfwPolicyStore;
import dev.sdbot.db.store.GuildSettingsStore;
import net.dv8tion.jda.api.entities.Guild;
import net.dv8tion.jda.api.entities.channel.concrete.TextChannel;
import net.dv8tion.jda.api.events.interaction.command.SlashCommandInteractionEvent;
import net.dv8tion.jda.api.interactions.commands.build.SubcommandData;
import net.dv8tion.jda.api.utils.messages.MessageEditData;

import java.time.Clock;
import java.util.Locale;
import java.util.Map;

/**
 * {@code /mod nsfw show}: the server's NSFW settings and, for each text channel, the policy that applies
 * there and what it does with an image the checker did not pass.
 */
public final class NsfwShowSubcommand implements StaffSubcommand {
    private static final int MAX_LENGTH = 1900;

    private final GuildSettingsStore guildSettings;
    private final ChannelNsfwPolicyStore channelPolicies;
    private final Clock clock;

    public NsfwShowSubcommand(GuildSettingsStore guildSettings, ChannelNsfwPolicyStore channelPolicies, Clock clock) {
        this.guildSettings = guildSettings;
        this.channelPolicies = channelPolicies;
        this.clock = clock;
    }

    @Override
    public String group() {
        return "nsfw";
    }

    @Override
    public SubcommandData data() {
        return new SubcommandData("show", "The NSFW policy that applies in each channel");
    }

    @Override
    public MessageEditData run(SlashCommandInteractionEvent event) {
        Guild guild = event.getGuild();
        GuildSettings settings = guildSettings.get(guild.getIdLong(), clock.instant());
        Map<Long, String> overrides = channelPolicies.ofGuild(guild.getIdLong());
        NsfwPolicy.Policy guildPolicy = NsfwPolicy.Policy.parse(settings.getNsfwPolicy());
        StringBuilder text = new StringBuilder("**NSFW policy**\n")
                .append("Server policy: **").append(lower(guildPolicy)).append("** · threshold shift: **")
                .append(settings.getNsfwThresholdShift()).append("** · unchecked images: **")
                .append(settings.isAllowUnchecked() ? "allowed" : "not allowed (handled like flagged ones)")
                .append("** · previews: **").append(settings.isPreviewsEnabled() ? "on" : "off").append("**\n");
        for (TextChannel channel : guild.getTextChannels()) {
            String override = overrides.get(channel.getIdLong());
            NsfwPolicy.Policy policy = override == null ? guildPolicy : NsfwPolicy.Policy.parse(override);
            boolean ageRestricted = channel.isNSFW();
            NsfwPolicy.Treatment effect = new NsfwPolicy.ChannelRules(policy, 0, false, ageRestricted).notPassedTreatment();
            text.append("<#").append(channel.getIdLong()).append("> ")
                    .append(ageRestricted ? "🔞 age-restricted · " : "")
                    .append("**").append(lower(policy)).append("**")
                    .append(override == null ? " (server's)" : " (override)")
                    .append(" → ").append(effect(effect)).append('\n');
        }
        return StaffSubcommand.text(Texts.truncate(text.toString(), MAX_LENGTH));
    }

    private static String lower(NsfwPolicy.Policy policy) {
        return policy.name().toLowerCase(Locale.ROOT);
    }

    private static String effect(NsfwPolicy.Treatment treatment) {
        return switch (treatment) {
            case POST -> "posted openly";
            case SPOILER -> "posted behind a spoiler";
            case BLUR -> "posted pixelated";
            case BLOCK -> "not posted";
        };
    }
}
