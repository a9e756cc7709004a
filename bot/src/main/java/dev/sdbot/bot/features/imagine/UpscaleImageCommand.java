package dev.sdbot.bot.features.imagine;

import dev.sdbot.bot.discord.CheckThenDefer;
import dev.sdbot.bot.discord.GuildLanes;
import dev.sdbot.bot.discord.Rejection;
import dev.sdbot.bot.discord.SlashCommand;
import dev.sdbot.inference.api.GenerationRequest;
import net.dv8tion.jda.api.events.interaction.command.CommandAutoCompleteInteractionEvent;
import net.dv8tion.jda.api.events.interaction.command.SlashCommandInteractionEvent;
import net.dv8tion.jda.api.interactions.InteractionContextType;
import net.dv8tion.jda.api.interactions.commands.OptionMapping;
import net.dv8tion.jda.api.interactions.commands.OptionType;
import net.dv8tion.jda.api.interactions.commands.build.Commands;
import net.dv8tion.jda.api.interactions.commands.build.OptionData;
import net.dv8tion.jda.api.interactions.commands.build.SlashCommandData;
import net.dv8tion.jda.api.entities.Message;

import java.util.Map;
import java.util.Optional;

/**
 * {@code /upscale image: upscaler: scale:}: the image enlarged by an ESRGAN-family upscaler of the workers (A1111's
 * Extras tab), posted like every result once the safety checker and the guild's NSFW policy have passed it. What is
 * wrong is refused ephemerally before anything is queued: not an image, too large (file, or result over
 * {@link GenerationRequest#MAX_SIDE} a side), an upscaler no live worker publishes, a scale the network cannot give;
 * then every submit check (blocks, channel rules...) and the quota apply as to /imagine. The guild's pixel limit
 * per image does not: it bounds diffusion, and an upscale runs none.
 */
public final class UpscaleImageCommand implements SlashCommand {
    private final Upscalers upscalers;
    private final SubmitChecks submitChecks;
    private final JobSubmitter submitter;
    private final GuildLanes work;

    public UpscaleImageCommand(Upscalers upscalers, SubmitChecks submitChecks, JobSubmitter submitter,
                               GuildLanes work) {
        this.upscalers = upscalers;
        this.submitChecks = submitChecks;
        this.submitter = submitter;
        this.work = work;
    }

    @Override
    public SlashCommandData data() {
        OptionData scale = new OptionData(OptionType.INTEGER, "scale", "How much larger (default: the network's own)")
                .addChoice("2x", 2).addChoice("4x", 4).addChoice("1x (1x restoration networks)", 1);
        return Commands.slash("upscale", "Enlarge an image with an ESRGAN upscaler")
                .setContexts(InteractionContextType.GUILD)
                .addOptions(new OptionData(OptionType.ATTACHMENT, "image", "The image to enlarge", true),
                        new OptionData(OptionType.STRING, "upscaler", "Upscaler (default: the server's)", false, true),
                        scale);
    }

    @Override
    public void onAutoComplete(CommandAutoCompleteInteractionEvent event) {
        event.replyChoices(Upscalers.choices(upscalers.published(), event.getFocusedOption().getValue())).queue();
    }

    @Override
    public void onSlashCommand(SlashCommandInteractionEvent event) {
        Optional<String> problem = ImagineCommand.postingProblem(event)
                .or(() -> ImageAttachments.problem("image", event.getOption("image").getAsAttachment()));
        if (problem.isPresent()) {
            event.reply("⚠️ " + problem.get()).setEphemeral(true).queue();
            return;
        }
        CheckThenDefer.run(event, work.of(event.getGuild().getIdLong()), "/upscale " + event.getId(), () -> check(event),
                checked -> submitter.submit(event, checked));
    }

    private SubmitChecks.Checked check(SlashCommandInteractionEvent event) {
        Map<String, Integer> published = upscalers.published();
        String name = event.getOption("upscaler", null, OptionMapping::getAsString);
        if (name == null) {
            name = upscalers.defaultName(published).orElseThrow(() -> new Rejection(
                    "⚠️ No upscaler is installed on the workers right now" + (published.isEmpty() ? "" : " that enlarges")
                            + "; name one with `upscaler:`."));
        }
        Integer factor = published.get(name);
        if (factor == null) {
            throw new Rejection("⚠️ Unknown upscaler `" + name + "`; available: "
                    + (published.isEmpty() ? "none right now" : String.join(", ", published.keySet())) + ".");
        }
        int scale = event.getOption("scale", factor, OptionMapping::getAsInt);
        Message.Attachment attachment = event.getOption("image").getAsAttachment();
        byte[] image;
        try {
            image = ImageAttachments.download("image", attachment);
        } catch (ImageAttachments.RejectedAttachmentException e) {
            throw new Rejection("⚠️ " + e.getMessage());
        }
        GenerationRequest request = Upscalers.request(image, name, factor, scale, "");
        JobSubmitter.checkValid(request);
        SubmitChecks.Checked checked = submitChecks.apply(JobSubmitter.submitter(event, false), request);
        submitter.checkQuota(event, checked.request());
        return checked;
    }
}
