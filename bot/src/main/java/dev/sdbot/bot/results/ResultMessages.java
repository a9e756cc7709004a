package dev.sdbot.bot.results;

import dev.sdbot.bot.commands.JobButtonId;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.scheduler.JobResult;
import dev.sdbot.scheduler.JobView;
import net.dv8tion.jda.api.EmbedBuilder;
import net.dv8tion.jda.api.components.actionrow.ActionRow;
import net.dv8tion.jda.api.components.buttons.Button;
import net.dv8tion.jda.api.entities.MessageEmbed;
import net.dv8tion.jda.api.entities.emoji.Emoji;
import net.dv8tion.jda.api.utils.FileUpload;
import net.dv8tion.jda.api.utils.messages.MessageCreateBuilder;
import net.dv8tion.jda.api.utils.messages.MessageCreateData;

import java.awt.Color;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The result message of a job: one PNG attachment per image (shrunk to the upload limit if needed,
 * optionally as spoilers), an embed with the parameters, and the four job buttons in one row.
 */
public final class ResultMessages {
    public MessageCreateData result(JobView job, List<JobResult> images, boolean spoiler, long maxFileBytes) {
        MessageCreateBuilder message = new MessageCreateBuilder();
        message.setContent("<@" + job.origin().userId() + ">");
        message.setAllowedMentions(List.of());
        for (JobResult image : images) {
            FileUpload file = FileUpload.fromData(PngImages.fit(image.png(), maxFileBytes), fileName(job, image));
            message.addFiles(spoiler ? file.asSpoiler() : file);
        }
        message.setEmbeds(embed(job, images, spoiler));
        message.setComponents(ActionRow.of(
                Button.primary(new JobButtonId(job.id(), "reroll").customId(), "Reroll").withEmoji(Emoji.fromUnicode("🔁")),
                Button.secondary(new JobButtonId(job.id(), "variations").customId(), "Variations").withEmoji(Emoji.fromUnicode("🎨")),
                Button.secondary(new JobButtonId(job.id(), "upscale").customId(), "Upscale").withEmoji(Emoji.fromUnicode("⬆️")),
                Button.danger(new JobButtonId(job.id(), "delete").customId(), "Delete").withEmoji(Emoji.fromUnicode("🗑️"))));
        return message.build();
    }

    private static MessageEmbed embed(JobView job, List<JobResult> images, boolean spoiler) {
        GenerationRequest r = job.request();
        EmbedBuilder embed = new EmbedBuilder()
                .setColor(new Color(0x5865F2))
                .setDescription(Texts.truncate(r.prompt(), MessageEmbed.DESCRIPTION_MAX_LENGTH));
        if (!r.negativePrompt().isBlank()) {
            embed.addField("Negative", Texts.truncate(r.negativePrompt(), MessageEmbed.VALUE_MAX_LENGTH), false);
        }
        embed.addField("Seed", images.stream().map(i -> Long.toString(i.seed())).collect(Collectors.joining(", ")), true)
                .addField("Sampler", r.sampler().displayName(), true)
                .addField("Steps", Integer.toString(r.steps()), true)
                .addField("CFG", Double.toString(r.cfgScale()), true)
                .addField("Model", Texts.truncate(r.model(), MessageEmbed.VALUE_MAX_LENGTH), true)
                .addField("Size", r.width() + "x" + r.height(), true)
                .addField("Time", String.format("%.1f s", images.isEmpty() ? 0 : images.get(0).gpuMillis() / 1000.0), true);
        if (r.isImg2Img()) {
            embed.addField(r.isInpainting() ? "Inpainting" : "img2img", "strength " + r.strength(), true);
        }
        embed.setFooter(footer(job.id()));
        if (images.size() == 1 && !spoiler) {
            embed.setImage("attachment://" + fileName(job, images.get(0)));
        }
        return embed.build();
    }

    /** Names the job; also how an earlier post of it is recognised ({@link EarlierPost}). */
    static String footer(long jobId) {
        return "Job " + jobId;
    }

    static String fileName(JobView job, JobResult image) {
        return "sdbot-" + job.id() + "-" + image.index() + ".png";
    }
}
