package dev.sdbot.bot.features.admin;

import dev.sdbot.bot.discord.Rejection;
import dev.sdbot.bot.discord.StaffSubcommand;
import dev.sdbot.bot.features.imagine.GuildLimits;
import dev.sdbot.bot.features.imagine.ImagineCommand;
import dev.sdbot.bot.features.imagine.ImagineDefaults;
import dev.sdbot.bot.features.moderation.AuditTrail;
import dev.sdbot.db.entity.GuildSettings;
import dev.sdbot.db.store.GenerationDefaultsStore.GenerationDefaults;
import dev.sdbot.db.store.GuildSettingsStore;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.api.Sampler;
import dev.sdbot.scheduler.JobService;
import net.dv8tion.jda.api.entities.channel.ChannelType;
import net.dv8tion.jda.api.entities.channel.unions.GuildChannelUnion;
import net.dv8tion.jda.api.events.interaction.command.CommandAutoCompleteInteractionEvent;
import net.dv8tion.jda.api.events.interaction.command.SlashCommandInteractionEvent;
import net.dv8tion.jda.api.interactions.commands.Command;
import net.dv8tion.jda.api.interactions.commands.OptionMapping;
import net.dv8tion.jda.api.interactions.commands.OptionType;
import net.dv8tion.jda.api.interactions.commands.build.OptionData;
import net.dv8tion.jda.api.interactions.commands.build.SubcommandData;
import net.dv8tion.jda.api.utils.messages.MessageEditData;

import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.LongStream;

/**
 * {@code /admin settings [...]}: without options shows the guild's settings; with options reads, validates and
 * writes them in one transaction (guild_settings and the guild's generation-defaults row), or refuses with the
 * first problem and writes nothing. Defaults and the size limit live in generation_defaults (read by
 * {@link GuildLimits}), everything else in guild_settings.
 */
public final class AdminSettings implements StaffSubcommand {
    static final int MAX_IMAGINE_CHANNELS = 25;
    static final int MAX_NAME_LIST = 1000;

    private final GuildSettingsStore settings;
    private final GuildLimits limits;
    private final JobService jobs;
    private final AuditTrail audit;
    private final Clock clock;

    public AdminSettings(GuildSettingsStore settings, GuildLimits limits, JobService jobs, AuditTrail audit, Clock clock) {
        this.settings = settings;
        this.limits = limits;
        this.jobs = jobs;
        this.audit = audit;
        this.clock = clock;
    }

    @Override
    public String group() {
        return null;
    }

    @Override
    public SubcommandData data() {
        OptionData size = new OptionData(OptionType.STRING, "size", "Default width x height");
        OptionData maxSize = new OptionData(OptionType.STRING, "max_size", "Largest image allowed (its pixel count)");
        ImagineCommand.SIZES.forEach(s -> {
            size.addChoice(s, s);
            maxSize.addChoice(s, s);
        });
        OptionData sampler = new OptionData(OptionType.STRING, "sampler", "Default sampler");
        Arrays.stream(Sampler.values()).filter(Sampler::isA1111).forEach(s -> sampler.addChoice(s.displayName(), s.id()));
        return new SubcommandData("settings", "Show this server's settings, or change them")
                .addOptions(new OptionData(OptionType.STRING, "model", "Default model", false, true), sampler,
                        new OptionData(OptionType.INTEGER, "steps", "Default steps").setRequiredRange(1, GenerationRequest.MAX_STEPS),
                        new OptionData(OptionType.NUMBER, "cfg", "Default guidance scale")
                                .setRequiredRange(GenerationRequest.MIN_CFG, GenerationRequest.MAX_CFG),
                        size,
                        new OptionData(OptionType.INTEGER, "clip_skip", "Default clip skip (2 for anime SD 1.5 models;"
                                + " a model's own comes first)").setRequiredRange(1, GenerationRequest.MAX_CLIP_SKIP),
                        new OptionData(OptionType.STRING, "negative_prefix", "Prepended to every negative prompt (\"none\" removes it)")
                                .setMaxLength(GuildSettings.MAX_NEGATIVE_PREFIX),
                        new OptionData(OptionType.CHANNEL, "imagine_channel", "Allow /imagine in this channel (then only in those listed)")
                                .setChannelTypes(ChannelType.TEXT),
                        new OptionData(OptionType.CHANNEL, "remove_imagine_channel", "Take a channel off the /imagine list")
                                .setChannelTypes(ChannelType.TEXT),
                        new OptionData(OptionType.BOOLEAN, "imagine_everywhere", "Allow /imagine in every channel again"),
                        new OptionData(OptionType.BOOLEAN, "previews", "Show progress previews"),
                        new OptionData(OptionType.BOOLEAN, "allow_unchecked", "Treat images no safety checker saw like clean ones"),
                        new OptionData(OptionType.ROLE, "moderator_role", "Members with this role may use /mod"),
                        new OptionData(OptionType.BOOLEAN, "no_moderator_role", "Remove the moderator role"),
                        maxSize,
                        new OptionData(OptionType.INTEGER, "max_steps", "Most steps per request").setRequiredRange(1, GenerationRequest.MAX_STEPS),
                        new OptionData(OptionType.INTEGER, "max_images", "Most images per request").setRequiredRange(1, GenerationRequest.MAX_COUNT),
                        new OptionData(OptionType.STRING, "allowed_models", "Models members may use, comma-separated (\"all\" lifts it)")
                                .setMaxLength(MAX_NAME_LIST),
                        new OptionData(OptionType.STRING, "allowed_loras", "LoRAs members may use, comma-separated (\"all\", \"none\")")
                                .setMaxLength(MAX_NAME_LIST));
    }

    @Override
    public void onAutoComplete(CommandAutoCompleteInteractionEvent event) {
        String typed = event.getFocusedOption().getValue().toLowerCase(Locale.ROOT);
        event.replyChoices(jobs.availableModels().stream().filter(m -> m.toLowerCase(Locale.ROOT).contains(typed)).limit(25)
                .map(m -> new Command.Choice(m, m)).toList()).queue();
    }

    @Override
    public MessageEditData run(SlashCommandInteractionEvent event) {
        long guildId = event.getGuild().getIdLong();
        Instant now = clock.instant();
        if (event.getOptions().isEmpty()) {
            return StaffSubcommand.text(show(guildId, now));
        }
        // read, validated and written in one transaction on the locked row: concurrent changes cannot mix, and a
        // Rejection from any check rolls everything back
        settings.update(guildId, now, s -> applySettings(event, s, now), (s, row) -> {
            GenerationDefaults newRow = newDefaults(event, row);
            ImagineDefaults effective = limits.defaultsWith(newRow);
            if (s.getMaxSteps() != null && effective.steps() > s.getMaxSteps()) {
                throw new Rejection("⚠️ The default of " + effective.steps() + " steps would be over the limit of "
                        + s.getMaxSteps() + " steps; lower `steps` too. Nothing was changed.");
            }
            if ((long) effective.width() * effective.height() > effective.maxPixels()) {
                throw new Rejection("⚠️ The default size " + effective.width() + "x" + effective.height() + " would be over"
                        + " the largest size allowed (" + effective.maxPixels() + " pixels); change `size` or `max_size`."
                        + " Nothing was changed.");
            }
            return newRow;
        });
        Map<String, Object> given = new LinkedHashMap<>();
        event.getOptions().forEach(o -> given.put(o.getName(), o.getAsString()));
        long actor = event.getUser().getIdLong();
        audit.record(guildId, null, actor, actor, "SETTINGS_CHANGED", "server settings changed: " + String.join(", ", given.keySet()),
                AuditDetails.of(given));
        return StaffSubcommand.text("✅ Updated " + String.join(", ", given.keySet()) + "; it applies from the next /imagine.\n"
                + show(guildId, now));
    }

    /** Applies the options that live in guild_settings; throws Rejection on a bad one. */
    private static void applySettings(SlashCommandInteractionEvent event, GuildSettings s, Instant now) {
        String prefix = event.getOption("negative_prefix", s.getNegativePromptPrefix(), o -> o.getAsString().strip());
        if (prefix.equalsIgnoreCase("none")) {
            prefix = "";
        }
        if (prefix.length() > GuildSettings.MAX_NEGATIVE_PREFIX) {
            throw new Rejection("⚠️ `negative_prefix` is " + prefix.length() + " characters, at most "
                    + GuildSettings.MAX_NEGATIVE_PREFIX + " allowed. Nothing was changed.");
        }
        s.setLimits(option(event, "max_steps", s.getMaxSteps(), 1, GenerationRequest.MAX_STEPS),
                option(event, "max_images", s.getMaxImages(), 1, GenerationRequest.MAX_COUNT), now);
        s.setNegativePromptPrefix(prefix, now);
        s.setImagineChannelIds(channels(event, s.getImagineChannelIds()), now);
        s.setModeratorRoleId(moderatorRole(event, s.getModeratorRoleId()), now);
        s.setPreviewsEnabled(event.getOption("previews", s.isPreviewsEnabled(), OptionMapping::getAsBoolean), now);
        s.setAllowUnchecked(event.getOption("allow_unchecked", s.isAllowUnchecked(), OptionMapping::getAsBoolean), now);
        s.setAllowedModels(event.getOption("allowed_models", s.getAllowedModels(), o -> names("allowed_models", o, false)), now);
        s.setAllowedLoras(event.getOption("allowed_loras", s.getAllowedLoras(), o -> names("allowed_loras", o, true)), now);
    }

    /** A comma-separated list of file names: null for "all", empty for "none" (where allowed). */
    private static List<String> names(String option, OptionMapping value, boolean noneAllowed) {
        String text = value.getAsString().strip();
        if (text.equalsIgnoreCase("all")) {
            return null;
        }
        if (noneAllowed && text.equalsIgnoreCase("none")) {
            return List.of();
        }
        List<String> names = Arrays.stream(text.split(",")).map(String::strip).filter(n -> !n.isEmpty()).distinct().toList();
        if (names.isEmpty() || names.stream().anyMatch(n -> n.chars().anyMatch(c -> c == '<' || c == '>' || c == ':'))) {
            throw new Rejection("⚠️ `" + option + "` takes names separated by commas (e.g. `sd15, sdxl`) or `all`"
                    + (noneAllowed ? " or `none`" : "") + ". Nothing was changed.");
        }
        return names;
    }

    private String show(long guildId, Instant now) {
        Set<String> unchecked = jobs.uncheckedModels();
        return SettingsView.describe(limits.defaultsFor(guildId, 0), settings.get(guildId, now), unchecked);
    }

    /** The guild's generation-defaults row with the given options applied. */
    private GenerationDefaults newDefaults(SlashCommandInteractionEvent event, GenerationDefaults row) {
        String model = row.model();
        OptionMapping modelOption = event.getOption("model");
        if (modelOption != null) {
            Set<String> models = jobs.availableModels();
            if (!models.contains(modelOption.getAsString())) {
                throw new Rejection("⚠️ Unknown model `" + modelOption.getAsString() + "`. Installed: "
                        + (models.isEmpty() ? "none right now" : String.join(", ", models)) + ". Nothing was changed.");
            }
            model = modelOption.getAsString();
        }
        String sampler = row.sampler();
        OptionMapping samplerOption = event.getOption("sampler");
        if (samplerOption != null) {
            try {
                sampler = Sampler.fromId(samplerOption.getAsString()).id();
            } catch (IllegalArgumentException e) {
                throw new Rejection("⚠️ " + e.getMessage() + ". Nothing was changed.");
            }
        }
        Integer steps = option(event, "steps", row.steps(), 1, GenerationRequest.MAX_STEPS);
        Double cfg = row.cfgScale();
        OptionMapping cfgOption = event.getOption("cfg");
        if (cfgOption != null) {
            double value = cfgOption.getAsDouble();
            if (!(value >= GenerationRequest.MIN_CFG && value <= GenerationRequest.MAX_CFG)) {
                throw new Rejection("⚠️ `cfg` must be between 1 and 30, got " + value + ". Nothing was changed.");
            }
            cfg = value;
        }
        int[] size = size(event, "size");
        int[] maxSize = size(event, "max_size");
        // boxed on purpose: a ternary of int and a null Integer would unbox the null
        Integer width = size != null ? Integer.valueOf(size[0]) : row.width();
        Integer height = size != null ? Integer.valueOf(size[1]) : row.height();
        Long maxPixels = maxSize != null ? Long.valueOf((long) maxSize[0] * maxSize[1]) : row.maxPixels();
        Integer clipSkip = option(event, "clip_skip", row.clipSkip(), 1, GenerationRequest.MAX_CLIP_SKIP);
        return new GenerationDefaults(row.guildId(), row.channelId(), model, sampler, steps, cfg, width, height,
                row.negativePrompt(), maxPixels, clipSkip);
    }

    private static Integer option(SlashCommandInteractionEvent event, String name, Integer current, int min, int max) {
        Integer value = AdminOptions.integer(event, name, min, max);
        return value != null ? value : current;
    }

    private static int[] size(SlashCommandInteractionEvent event, String name) {
        OptionMapping option = event.getOption(name);
        if (option == null) {
            return null;
        }
        if (!ImagineCommand.SIZES.contains(option.getAsString())) {
            throw new Rejection("⚠️ `" + name + "` must be one of " + String.join(", ", ImagineCommand.SIZES) + ", got `"
                    + option.getAsString() + "`. Nothing was changed.");
        }
        return ImagineCommand.parseSize(option.getAsString());
    }

    private static long[] channels(SlashCommandInteractionEvent event, long[] current) {
        boolean everywhere = event.getOption("imagine_everywhere", false, OptionMapping::getAsBoolean);
        GuildChannelUnion add = event.getOption("imagine_channel", null, OptionMapping::getAsChannel);
        GuildChannelUnion remove = event.getOption("remove_imagine_channel", null, OptionMapping::getAsChannel);
        if (everywhere && (add != null || remove != null)) {
            throw new Rejection("⚠️ `imagine_everywhere` clears the channel list; don't combine it with `imagine_channel`"
                    + " or `remove_imagine_channel`. Nothing was changed.");
        }
        if (everywhere) {
            return new long[0];
        }
        LongStream result = Arrays.stream(current);
        if (remove != null) {
            if (Arrays.stream(current).noneMatch(id -> id == remove.getIdLong())) {
                throw new Rejection("⚠️ " + remove.getAsMention() + " is not on the /imagine channel list. Nothing was changed.");
            }
            result = result.filter(id -> id != remove.getIdLong());
        }
        if (add != null) {
            if (add.getType() != ChannelType.TEXT || add.getGuild().getIdLong() != event.getGuild().getIdLong()) {
                throw new Rejection("⚠️ " + add.getAsMention() + " is not a text channel of this server. Nothing was changed.");
            }
            result = LongStream.concat(result, LongStream.of(add.getIdLong()));
        }
        long[] channels = result.distinct().toArray();
        if (channels.length > MAX_IMAGINE_CHANNELS) {
            throw new Rejection("⚠️ At most " + MAX_IMAGINE_CHANNELS + " /imagine channels. Nothing was changed.");
        }
        return channels;
    }

    private static Long moderatorRole(SlashCommandInteractionEvent event, Long current) {
        boolean none = event.getOption("no_moderator_role", false, OptionMapping::getAsBoolean);
        Long role = event.getOption("moderator_role", null, o -> o.getAsRole().getIdLong());
        if (none && role != null) {
            throw new Rejection("⚠️ Give either `moderator_role` or `no_moderator_role`, not both. Nothing was changed.");
        }
        if (role != null && role == event.getGuild().getIdLong()) {
            throw new Rejection("⚠️ @everyone can't be the moderator role. Nothing was changed.");
        }
        return none ? null : role != null ? role : current;
    }
}
