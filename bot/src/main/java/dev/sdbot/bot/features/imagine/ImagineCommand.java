package dev.sdbot.bot.features.imagine;

import dev.sdbot.bot.discord.CheckThenDefer;
import dev.sdbot.bot.discord.Rejection;
import dev.sdbot.bot.discord.SlashCommand;
import dev.sdbot.bot.discord.GuildLanes;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.api.ModelPreset;
import dev.sdbot.inference.api.Sampler;
import dev.sdbot.scheduler.JobService;
import net.dv8tion.jda.api.interactions.InteractionContextType;
import net.dv8tion.jda.api.Permission;
import net.dv8tion.jda.api.entities.Message;
import net.dv8tion.jda.api.entities.channel.middleman.GuildChannel;
import net.dv8tion.jda.api.events.interaction.command.CommandAutoCompleteInteractionEvent;
import net.dv8tion.jda.api.events.interaction.command.SlashCommandInteractionEvent;
import net.dv8tion.jda.api.interactions.commands.Command;
import net.dv8tion.jda.api.interactions.commands.OptionMapping;
import net.dv8tion.jda.api.interactions.commands.OptionType;
import net.dv8tion.jda.api.interactions.commands.build.Commands;
import net.dv8tion.jda.api.interactions.commands.build.OptionData;
import net.dv8tion.jda.api.interactions.commands.build.SlashCommandData;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * {@code /imagine}: checks what it can from the interaction alone and answers errors at once; then,
 * off the gateway thread, applies guild/channel defaults, the engine's rules, the guild's limits, every submit
 * check (via {@link SubmitChecks}) and the quota, and downloads the attachments and checks their headers
 * (size, mask fit, strength); refusals within {@link CheckThenDefer#CHECK_BUDGET} are plain ephemeral replies.
 * Then it defers publicly and, only if Discord took the acknowledgement, queues the job. Downloading before the
 * deferral keeps a bad image private; a download slower than the budget still ends in an ephemeral refusal,
 * after a public "thinking…" that is then deleted (the result must be public, so the deferral cannot be ephemeral).
 */
public final class ImagineCommand implements SlashCommand {
    /** Every size any model family takes (the choices of /imagine and /admin settings). */
    public static final List<String> SIZES = ModelSizes.CHOICES;
    static final double DEFAULT_STRENGTH = 0.75;

    private final JobService jobs;
    private final GuildLimits limits;
    private final SubmitChecks submitChecks;
    private final JobSubmitter submitter;
    private final GuildLanes work;

    public ImagineCommand(JobService jobs, GuildLimits limits, SubmitChecks submitChecks, JobSubmitter submitter,
                          GuildLanes work) {
        this.jobs = jobs;
        this.limits = limits;
        this.submitChecks = submitChecks;
        this.submitter = submitter;
        this.work = work;
    }

    @Override
    public SlashCommandData data() {
        OptionData size = new OptionData(OptionType.STRING, "size", "Width x height");
        SIZES.forEach(s -> size.addChoice(s, s));
        OptionData sampler = new OptionData(OptionType.STRING, "sampler", "Sampling method");
        Arrays.stream(Sampler.values()).filter(Sampler::isA1111).forEach(s -> sampler.addChoice(s.displayName(), s.id()));
        return Commands.slash("imagine", "Generate an image from a text prompt")
                .setContexts(InteractionContextType.GUILD)
                .addOptions(
                        new OptionData(OptionType.STRING, "prompt", "What to draw", true).setMaxLength(1500),
                        new OptionData(OptionType.STRING, "negative", "What to avoid").setMaxLength(1000),
                        size,
                        new OptionData(OptionType.INTEGER, "steps", "Denoising steps").setRequiredRange(1, 150),
                        new OptionData(OptionType.NUMBER, "cfg", "Guidance scale").setRequiredRange(1, 30),
                        new OptionData(OptionType.INTEGER, "clip_skip", "CLIP layers to skip, SD 1.x only as in A1111"
                                + " (default: the model's, then the server's)").setRequiredRange(1, 12),
                        sampler,
                        new OptionData(OptionType.INTEGER, "seed", "Seed (same seed, same picture)").setRequiredRange(0, Long.MAX_VALUE >> 11),
                        new OptionData(OptionType.STRING, "model", "Model", false, true),
                        new OptionData(OptionType.INTEGER, "count", "Number of images").setRequiredRange(1, 4),
                        new OptionData(OptionType.ATTACHMENT, "image", "Start image (img2img)"),
                        new OptionData(OptionType.NUMBER, "strength", "How much to change the start image").setRequiredRange(0, 1),
                        new OptionData(OptionType.ATTACHMENT, "mask", "Mask for inpainting (white = repaint)"),
                        new OptionData(OptionType.STRING, "lora", "LoRA to apply (same as <lora:name:1> in the prompt)",
                                false, true),
                        new OptionData(OptionType.STRING, "embedding", "Embedding to add to the prompt (same as "
                                + "writing its name there)", false, true),
                        new OptionData(OptionType.STRING, "negative_embedding", "Embedding to add to the negative "
                                + "prompt, e.g. EasyNegative (same as writing its name there)", false, true),
                        ImagineExtras.hiresOption(), ImagineExtras.hiresUpscalerOption())
                .addOptions(ImagineControl.options());
    }

    @Override
    public void onAutoComplete(CommandAutoCompleteInteractionEvent event) {
        if (event.getFocusedOption().getName().equals("lora")) {
            event.replyChoices(ImagineExtras.loraChoices(jobs.availableLoras(), event.getFocusedOption().getValue())).queue();
            return;
        }
        if (event.getFocusedOption().getName().equals("hires_upscaler")) {
            event.replyChoices(ImagineExtras.hiresUpscalerChoices(jobs.upscalers().keySet(),
                    event.getFocusedOption().getValue())).queue();
            return;
        }
        if (event.getFocusedOption().getName().equals(ImagineControl.PREPROCESSOR)) {
            event.replyChoices(ImagineControl.preprocessorChoices(event.getFocusedOption().getValue())).queue();
            return;
        }
        if (event.getFocusedOption().getName().equals(ImagineControl.CONTROL)) {
            event.replyChoices(ImagineControl.choices(jobs.availableControlNets(), event.getFocusedOption().getValue()))
                    .queue();
            return;
        }
        if (event.getFocusedOption().getName().endsWith("embedding")) {
            String model = event.getOption("model", null, OptionMapping::getAsString);
            if (model == null && event.getGuild() != null) {
                model = limits.defaultsFor(event.getGuild().getIdLong(), event.getChannelIdLong()).model();
            }
            event.replyChoices(ImagineExtras.embeddingChoices(jobs.availableEmbeddings(), jobs.embeddingFamilies(),
                    jobs.modelFamilies().get(model), event.getFocusedOption().getValue())).queue();
            return;
        }
        String typed = event.getFocusedOption().getValue().toLowerCase(Locale.ROOT);
        List<Command.Choice> choices = jobs.availableModels().stream()
                .filter(m -> m.toLowerCase(Locale.ROOT).contains(typed))
                .limit(25)
                .map(m -> new Command.Choice(m, m))
                .toList();
        event.replyChoices(choices).queue();
    }

    @Override
    public void onSlashCommand(SlashCommandInteractionEvent event) {
        Optional<String> problem = immediateProblem(event);
        if (problem.isPresent()) {
            event.reply("⚠️ " + problem.get()).setEphemeral(true).queue();
            return;
        }
        CheckThenDefer.run(event, work.of(event.getGuild().getIdLong()), "/imagine " + event.getId(), () -> check(event),
                checked -> submitter.submit(event, checked));
    }

    /** Why the bot could not post a result in the event's channel (its permissions there), or empty. */
    static Optional<String> postingProblem(SlashCommandInteractionEvent event) {
        GuildChannel channel = event.getGuildChannel();
        if (!event.getGuild().getSelfMember().hasPermission(channel, Permission.VIEW_CHANNEL, Permission.MESSAGE_SEND,
                Permission.MESSAGE_ATTACH_FILES, Permission.MESSAGE_EMBED_LINKS)) {
            return Optional.of("I can't post images in " + channel.getAsMention()
                    + ": I need the View Channel, Send Messages, Attach Files and Embed Links permissions here.");
        }
        return Optional.empty();
    }

    /** Problems visible without the database or the network. */
    private static Optional<String> immediateProblem(SlashCommandInteractionEvent event) {
        Optional<String> posting = postingProblem(event);
        if (posting.isPresent()) {
            return posting;
        }
        for (String option : List.of("image", "mask")) {
            OptionMapping attachment = event.getOption(option);
            if (attachment != null) {
                Optional<String> problem = ImageAttachments.problem(option, attachment.getAsAttachment());
                if (problem.isPresent()) {
                    return problem;
                }
            }
        }
        if (event.getOption("mask") != null && event.getOption("image") == null) {
            return Optional.of("A mask needs an image to paint into: add the `image` option.");
        }
        return ImagineControl.immediateProblem(event);
    }

    /**
     * Applies defaults, checks what needs the database (model, guild limits, submit checks, quota) and the
     * attachments, before the acknowledgement when it is quick enough.
     */
    private SubmitChecks.Checked check(SlashCommandInteractionEvent event) {
        long guildId = event.getGuild().getIdLong();
        ImagineDefaults defaults = limits.defaultsFor(guildId, event.getChannelIdLong());
        String prompt = ImagineExtras.withLora(event.getOption("prompt", "", OptionMapping::getAsString).trim(),
                event.getOption("lora", null, OptionMapping::getAsString));
        String negative = event.getOption("negative", defaults.negativePrompt(), OptionMapping::getAsString);
        String embedding = event.getOption("embedding", null, OptionMapping::getAsString);
        String negativeEmbedding = event.getOption("negative_embedding", null, OptionMapping::getAsString);
        if (embedding != null || negativeEmbedding != null) {
            Set<String> embeddings = jobs.availableEmbeddings();
            prompt = ImagineExtras.withEmbedding(prompt, embedding, embeddings);
            negative = ImagineExtras.withEmbedding(negative, negativeEmbedding, embeddings);
        }
        String model = event.getOption("model", defaults.model(), OptionMapping::getAsString);
        Set<String> models = jobs.availableModels();
        if (!models.contains(model)) {
            throw new Rejection("⚠️ Unknown model `" + model + "`. Installed: "
                    + (models.isEmpty() ? "none right now" : String.join(", ", models)) + ".");
        }
        ModelPreset preset = jobs.modelPresets().get(model);
        defaults = ModelPresetDefaults.over(defaults, model, preset);
        int[] size = ModelSizes.choose(model, jobs.modelFamilies().get(model), jobs.nativeSides().get(model),
                event.getOption("size", null, OptionMapping::getAsString), defaults.width(), defaults.height());
        GenerationRequest request = GenerationRequest.builder(prompt, model)
                .negativePrompt(negative)
                .sampler(event.getOption("sampler", defaults.sampler(), o -> Sampler.fromId(o.getAsString())))
                .steps(event.getOption("steps", defaults.steps(), OptionMapping::getAsInt))
                .cfgScale(event.getOption("cfg", defaults.cfgScale(), OptionMapping::getAsDouble))
                .size(size[0], size[1])
                .seed(event.getOption("seed", null, OptionMapping::getAsLong))
                .count(event.getOption("count", 1, OptionMapping::getAsInt))
                .strength(event.getOption("strength", DEFAULT_STRENGTH, OptionMapping::getAsDouble))
                .clipSkip(event.getOption("clip_skip", defaults.clipSkip(), OptionMapping::getAsInt))
                .hires(ImagineExtras.hires(event.getOption("hires", null, OptionMapping::getAsString),
                        event.getOption("hires_upscaler", null, OptionMapping::getAsString)))
                .build();
        JobSubmitter.checkValid(request);
        Optional<String> overLimit = limits.problem(guildId, request, defaults.maxPixels());
        if (overLimit.isPresent()) {
            throw new Rejection("⚠️ " + overLimit.get());
        }
        SubmitChecks.Checked checked = withNotice(submitChecks.apply(JobSubmitter.submitter(event, false), request),
                ModelPresetDefaults.notice(model, preset));
        submitter.checkQuota(event, checked.request());
        if (event.getOption("image") == null && !ImagineControl.requested(event)) {
            return checked;
        }
        byte[] initImage;
        byte[] mask;
        byte[] controlImage;
        try {
            initImage = download(event, "image");
            mask = download(event, "mask");
            controlImage = download(event, ImagineControl.IMAGE);
        } catch (ImageAttachments.RejectedAttachmentException e) {
            throw new Rejection("⚠️ " + e.getMessage());
        }
        GenerationRequest r = checked.request();
        GenerationRequest withImages = r.toBuilder().images(initImage, mask)
                .controls(controlImage == null ? List.of() : List.of(ImagineControl.unit(event, controlImage))).build();
        if (r.hires() != null && initImage != null) {
            throw new Rejection("⚠️ The hires fix works on text-to-image only: leave out `hires` or the `image`.");
        }
        JobSubmitter.checkValid(withImages);
        if (controlImage != null) {
            new RunnableRequestCheck(jobs).check(JobSubmitter.submitter(event, false), withImages, checked.notices());
        }
        return new SubmitChecks.Checked(withImages, checked.notices());
    }

    private static SubmitChecks.Checked withNotice(SubmitChecks.Checked checked, Optional<String> notice) {
        if (notice.isEmpty()) {
            return checked;
        }
        List<String> notices = new java.util.ArrayList<>(checked.notices());
        notices.add(notice.get());
        return new SubmitChecks.Checked(checked.request(), List.copyOf(notices));
    }

    private static byte[] download(SlashCommandInteractionEvent event, String option)
            throws ImageAttachments.RejectedAttachmentException {
        OptionMapping mapping = event.getOption(option);
        if (mapping == null) {
            return null;
        }
        Message.Attachment attachment = mapping.getAsAttachment();
        return ImageAttachments.download(option, attachment);
    }

    /** "WIDTHxHEIGHT" as {width, height}. */
    public static int[] parseSize(String value) {
        return ModelSizes.parse(value);
    }
}
