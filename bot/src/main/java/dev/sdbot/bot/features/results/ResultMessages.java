package dev.sdbot.bot.features.results;

import dev.sdbot.bot.discord.JobButtonId;
import dev.sdbot.bot.discord.PngImages;
import dev.sdbot.bot.discord.Texts;
import dev.sdbot.bot.discord.ImageObscurer;
import dev.sdbot.bot.features.nsfw.NsfwPolicy;
import dev.sdbot.bot.features.nsfw.ShownImage;
import dev.sdbot.inference.api.ControlNetUnit;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.api.SafetyVerdict;
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
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The result message of a job: one PNG attachment per shown image (shrunk to the upload limit if needed;
 * behind a spoiler, or pixelated and behind a spoiler, as {@link NsfwPolicy} decided), an embed with the
 * parameters, a note when images were withheld, and the job buttons: Reroll, Variations, Upscale, Delete in one row,
 * Zoom out 2x / 1.5x in the next, the four Pans in the last.
 */
public final class ResultMessages {
    /** Under a result of the worker's test pattern: what it is, and how to get real images. */
    /** Longest side of the control image's thumbnail in the result's embed. */
    static final int CONTROL_THUMBNAIL_SIDE = 256;
    static final String TEST_PATTERN_NOTE = "🧪 This is a test pattern, not a generated image: the worker has no model. "
            + "To generate images, add one (`./sdbot models pull <owner/repo> --file <file.safetensors>`, "
            + "README \"Models\") and restart the worker.";

    /** Reads a job's first control image (from the image store); empty when it is no longer stored. */
    private final Function<JobView, Optional<byte[]>> firstControlImage;

    public ResultMessages(Function<JobView, Optional<byte[]>> firstControlImage) {
        this.firstControlImage = firstControlImage;
    }

    /** @param withheld how many images of the job the NSFW policy blocked */
    public MessageCreateData result(JobView job, List<ShownImage> shown, int withheld, long maxFileBytes) {
        MessageCreateBuilder message = new MessageCreateBuilder();
        String content = "<@" + job.origin().userId() + ">";
        if (withheld > 0) {
            content += " 🔞 " + withheld + (withheld == 1 ? " image was" : " images were") + " withheld by the NSFW policy.";
        }
        if (shown.stream().anyMatch(s -> s.treatment() == NsfwPolicy.Treatment.BLUR)) {
            content += " 🔞 Images the safety checker did not pass are pixelated.";
        }
        if (shown.stream().anyMatch(s -> s.image().safety() == SafetyVerdict.TEST_PATTERN)) {
            content += "\n" + TEST_PATTERN_NOTE;
        }
        message.setContent(content);
        message.setAllowedMentions(List.of());
        for (ShownImage s : shown) {
            message.addFiles(file(job, s, maxFileBytes));
        }
        List<JobResult> images = shown.stream().map(ShownImage::image).toList();
        boolean plain = shown.size() == 1 && shown.get(0).treatment() == NsfwPolicy.Treatment.POST;
        Optional<byte[]> thumbnail = controlThumbnail(job, shown);
        thumbnail.ifPresent(png -> message.addFiles(FileUpload.fromData(png, controlFileName(job))));
        MessageEmbed embed = embed(job, images, plain);
        message.setEmbeds(thumbnail.isEmpty() ? embed
                : new EmbedBuilder(embed).setThumbnail("attachment://" + controlFileName(job)).build());
        Button delete = Button.danger(new JobButtonId(job.id(), "delete").customId(), "Delete")
                .withEmoji(Emoji.fromUnicode("🗑️"));
        if (job.request().isUpscale()) { // nothing to reroll, vary or outpaint, and enlarging again rarely helps
            message.setComponents(ActionRow.of(delete));
            return message.build();
        }
        message.setComponents(ActionRow.of(
                Button.primary(new JobButtonId(job.id(), "reroll").customId(), "Reroll").withEmoji(Emoji.fromUnicode("🔁")),
                Button.secondary(new JobButtonId(job.id(), "variations").customId(), "Variations").withEmoji(Emoji.fromUnicode("🎨")),
                Button.secondary(new JobButtonId(job.id(), "upscale").customId(), "Upscale").withEmoji(Emoji.fromUnicode("⬆️")),
                delete),
                ActionRow.of(
                        button(job, "zoom2", "Zoom out 2×", "🔍"), button(job, "zoom15", "Zoom out 1.5×", "🔍")),
                ActionRow.of(button(job, "panleft", null, "⬅️"), button(job, "panright", null, "➡️"),
                        button(job, "panup", null, "⬆️"), button(job, "pandown", null, "⬇️")));
        return message.build();
    }

    /**
     * The first ControlNet unit's control image, scaled down, when every image of the post is shown in the clear
     * (the channel's NSFW policy posts them as they are, none spoilered or pixelated): the control image is the
     * member's upload that no safety checker saw, so it is never shown beside a result the policy hides.
     */
    private Optional<byte[]> controlThumbnail(JobView job, List<ShownImage> shown) {
        if (job.request().controls().isEmpty() || shown.isEmpty()
                || shown.stream().anyMatch(s -> s.treatment() != NsfwPolicy.Treatment.POST)) {
            return Optional.empty();
        }
        return firstControlImage.apply(job).flatMap(png -> PngImages.thumbnail(png, CONTROL_THUMBNAIL_SIDE));
    }

    static String controlFileName(JobView job) {
        return "sdbot-" + job.id() + "-control.png";
    }

    /** An outpainting button (Zoom out, Pan), laid out as Midjourney's: zooms in one row, the four pans in the next. */
    private static Button button(JobView job, String action, String label, String emoji) {
        String id = new JobButtonId(job.id(), action).customId();
        return label == null ? Button.secondary(id, Emoji.fromUnicode(emoji))
                : Button.secondary(id, label).withEmoji(Emoji.fromUnicode(emoji));
    }

    /** The original bytes for POST and SPOILER; for BLUR only a pixelated copy ever leaves the process. */
    private static FileUpload file(JobView job, ShownImage s, long maxFileBytes) {
        return switch (s.treatment()) {
            case POST -> FileUpload.fromData(PngImages.fit(s.image().png(), maxFileBytes), fileName(job, s.image()));
            case SPOILER -> FileUpload.fromData(PngImages.fit(s.image().png(), maxFileBytes), fileName(job, s.image()))
                    .asSpoiler();
            case BLUR -> FileUpload.fromData(PngImages.fit(ImageObscurer.pixelate(s.image().png(),
                    ImageObscurer.RESULT_PIXELS), maxFileBytes), "sdbot-" + job.id() + "-" + s.image().index()
                    + "-pixelated.png").asSpoiler();
            case BLOCK -> throw new IllegalStateException("unreachable");
        };
    }

    private static MessageEmbed embed(JobView job, List<JobResult> images, boolean showImage) {
        GenerationRequest r = job.request();
        EmbedBuilder embed = new EmbedBuilder()
                .setColor(new Color(0x5865F2))
                .setDescription(Texts.truncate(r.prompt(), MessageEmbed.DESCRIPTION_MAX_LENGTH));
        if (r.isUpscale()) {
            embed.setDescription("Upscaled with " + Texts.truncate(r.upscaler(), 200))
                    .addField("Size", r.width() + "x" + r.height(), true)
                    .addField("Time", String.format("%.1f s", images.isEmpty() ? 0 : images.get(0).gpuMillis() / 1000.0), true)
                    .setFooter(footer(job.id()));
            if (showImage) {
                embed.setImage("attachment://" + fileName(job, images.get(0)));
            }
            return embed.build();
        }
        if (!r.negativePrompt().isBlank()) {
            embed.addField("Negative", Texts.truncate(r.negativePrompt(), MessageEmbed.VALUE_MAX_LENGTH), false);
        }
        embed.addField("Seed", images.stream().map(i -> Long.toString(i.seed())).collect(Collectors.joining(", ")), true)
                .addField("Sampler", r.sampler().displayName(), true)
                .addField("Steps", Integer.toString(r.steps()), true)
                .addField("CFG", Double.toString(r.cfgScale()), true)
                .addField("Model", Texts.truncate(r.model(), MessageEmbed.VALUE_MAX_LENGTH), true)
                .addField("Size", r.outputWidth() + "x" + r.outputHeight(), true)
                .addField("Time", String.format("%.1f s", images.isEmpty() ? 0 : images.get(0).gpuMillis() / 1000.0), true);
        if (job.inputs().hasInit()) {
            embed.addField(job.inputs().hasMask() ? "Inpainting" : "img2img", "strength " + r.strength(), true);
        }
        for (ControlNetUnit u : r.controls()) {
            embed.addField("ControlNet", Texts.truncate(u.model() + " (" + u.preprocessor() + ", weight " + u.weight()
                    + ", " + u.start() + "–" + u.end() + ", " + u.mode().label() + ")", MessageEmbed.VALUE_MAX_LENGTH),
                    true);
        }
        embed.setFooter(footer(job.id()));
        if (showImage) {
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
