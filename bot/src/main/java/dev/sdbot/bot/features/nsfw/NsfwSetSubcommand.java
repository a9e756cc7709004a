package dev.sdbot.bot.features.nsfw;

import dev.sdbot.bot.discord.Rejection;
import dev.sdbot.bot.discord.StaffSubcommand;
import dev.sdbot.bot.features.moderation.AuditTrail;
import dev.sdbot.db.store.ChannelNsfwPolicyStore;
import dev.sdbot.db.store.GuildSettingsStore;
import net.dv8tion.jda.api.entities.channel.ChannelType;
import net.dv8tion.jda.api.entities.channel.concrete.ForumChannel;
import net.dv8tion.jda.api.entities.channel.concrete.ThreadChannel;
import net.dv8tion.jda.api.entities.channel.middleman.GuildChannel;
import net.dv8tion.jda.api.entities.channel.middleman.GuildMessageChannel;
import net.dv8tion.jda.api.events.interaction.command.SlashCommandInteractionEvent;
import net.dv8tion.jda.api.interactions.commands.OptionMapping;
import net.dv8tion.jda.api.interactions.commands.OptionType;
import net.dv8tion.jda.api.interactions.commands.build.OptionData;
import net.dv8tion.jda.api.interactions.commands.build.SubcommandData;
import net.dv8tion.jda.api.utils.data.DataObject;
import net.dv8tion.jda.api.utils.messages.MessageEditData;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code /mod nsfw set [policy:<block|blur|spoiler|allow|inherit>] [channel:<#channel>] [threshold:<-1..1>]}:
 * the guild's NSFW policy, or one channel's override ({@code inherit} removes it), and the guild's
 * threshold shift of the safety checker. Everything is validated before anything is written.
 */
public final class NsfwSetSubcommand implements StaffSubcommand {
    static final String INHERIT = "inherit";

    private final GuildSettingsStore guildSettings;
    private final ChannelNsfwPolicyStore channelPolicies;
    private final AuditTrail audit;
    private final Clock clock;

    public NsfwSetSubcommand(GuildSettingsStore guildSettings, ChannelNsfwPolicyStore channelPolicies, AuditTrail audit,
                             Clock clock) {
        this.guildSettings = guildSettings;
        this.channelPolicies = channelPolicies;
        this.audit = audit;
        this.clock = clock;
    }

    @Override
    public String group() {
        return "nsfw";
    }

    @Override
    public SubcommandData data() {
        OptionData policy = new OptionData(OptionType.STRING, "policy",
                "What happens to images the safety checker did not pass", false);
        for (NsfwPolicy.Policy p : NsfwPolicy.Policy.values()) {
            policy.addChoice(p.name().toLowerCase(Locale.ROOT), p.name().toLowerCase(Locale.ROOT));
        }
        policy.addChoice(INHERIT + " (channel only: use the server's)", INHERIT);
        return new SubcommandData("set", "Set the server's NSFW policy, a channel's override, or the checker's threshold")
                .addOptions(policy,
                        new OptionData(OptionType.CHANNEL, "channel", "Override the policy for this channel only", false)
                                .setChannelTypes(ChannelType.TEXT, ChannelType.FORUM),
                        new OptionData(OptionType.NUMBER, "threshold",
                                "Shift of the checker's scores, whole server: above 0 stricter, below 0 more lenient", false)
                                .setRequiredRange(-1.0, 1.0));
    }

    @Override
    public MessageEditData run(SlashCommandInteractionEvent event) {
        long guildId = event.getGuild().getIdLong();
        String policy = event.getOption("policy", OptionMapping::getAsString);
        GuildChannel channel = event.getOption("channel", OptionMapping::getAsChannel);
        Double threshold = event.getOption("threshold", OptionMapping::getAsDouble);
        if (policy == null && threshold == null) {
            throw new Rejection("Give a `policy`, a `threshold`, or both.");
        }
        NsfwPolicy.Policy parsed = null;
        if (policy != null && !policy.equalsIgnoreCase(INHERIT)) {
            try {
                parsed = NsfwPolicy.Policy.parse(policy);
            } catch (IllegalArgumentException e) {
                throw new Rejection("Unknown policy `" + policy + "`: use block, blur, spoiler, allow or inherit.");
            }
        }
        if (policy != null && parsed == null && channel == null) {
            throw new Rejection("`inherit` removes a channel's override: name the `channel`.");
        }
        if (policy == null && channel != null) {
            throw new Rejection("The threshold applies to the whole server; name a `policy` to override a channel.");
        }
        if (channel != null && (!(channel instanceof GuildMessageChannel || channel instanceof ForumChannel)
                || channel instanceof ThreadChannel || channel.getGuild().getIdLong() != guildId)) {
            throw new Rejection("<#" + channel.getIdLong() + "> is not a text or forum channel of this server (a thread "
                    + "follows its channel's policy).");
        }
        if (threshold != null && !(threshold >= -1 && threshold <= 1)) {
            throw new Rejection("The threshold must be between -1 and 1 (0 is the checker's own).");
        }

        Instant now = clock.instant();
        long moderatorId = event.getUser().getIdLong();
        List<String> changes = new ArrayList<>();
        DataObject details = DataObject.empty();
        if (channel != null) {
            if (parsed == null) {
                boolean had = channelPolicies.clear(guildId, channel.getIdLong());
                changes.add("<#" + channel.getIdLong() + "> " + (had ? "now inherits" : "already inherited")
                        + " the server's policy");
            } else {
                channelPolicies.put(guildId, channel.getIdLong(), parsed.name(), moderatorId, now);
                changes.add("policy of <#" + channel.getIdLong() + ">: **" + name(parsed) + "**"
                        + effectNote(parsed, NsfwChannels.ageRestricted(channel)));
            }
            details.put("channel_id", channel.getIdLong()).put("policy", parsed == null ? INHERIT : parsed.name());
        }
        NsfwPolicy.Policy guildPolicy = channel == null ? parsed : null;
        if (guildPolicy != null || threshold != null) {
            guildSettings.update(guildId, now, s -> {
                if (guildPolicy != null) {
                    s.setNsfwPolicy(guildPolicy.name(), now);
                }
                if (threshold != null) {
                    s.setNsfwThresholdShift(threshold.floatValue(), now);
                }
            });
            if (guildPolicy != null) {
                changes.add("server policy: **" + name(guildPolicy) + "** (channels without an override)"
                        + (guildPolicy == NsfwPolicy.Policy.ALLOW || guildPolicy == NsfwPolicy.Policy.SPOILER
                        ? effectNote(guildPolicy, false).replace("here", "in ordinary channels") : ""));
                details.put("guild_policy", guildPolicy.name());
            }
            if (threshold != null) {
                changes.add("threshold shift: **" + threshold.floatValue() + "**");
                details.put("threshold_shift", threshold.floatValue());
            }
        }
        String summary = String.join("; ", changes);
        audit.record(guildId, null, moderatorId, moderatorId, "nsfw_policy", summary, details.toString());
        return StaffSubcommand.text("✅ " + summary + ".");
    }

    private static String name(NsfwPolicy.Policy policy) {
        return policy.name().toLowerCase(Locale.ROOT);
    }

    /** Policies that only take effect in age-restricted channels say what they do elsewhere. */
    static String effectNote(NsfwPolicy.Policy policy, boolean ageRestricted) {
        if (ageRestricted) {
            return "";
        }
        return switch (policy) {
            case ALLOW -> " (allow only takes effect in age-restricted channels: here it acts as block)";
            case SPOILER -> " (a spoiler is not enough outside age-restricted channels: here it acts as blur)";
            default -> "";
        };
    }
}
