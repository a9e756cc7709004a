package dev.sdbot.bot.features.imagine;

import dev.sdbot.inference.api.ControlMode;
import dev.sdbot.inference.api.ControlNetUnit;
import net.dv8tion.jda.api.events.interaction.command.SlashCommandInteractionEvent;
import net.dv8tion.jda.api.interactions.commands.Command;
import net.dv8tion.jda.api.interactions.commands.OptionMapping;
import net.dv8tion.jda.api.interactions.commands.OptionType;
import net.dv8tion.jda.api.interactions.commands.build.OptionData;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * /imagine's ControlNet unit: {@code control_image} (the member's image), {@code control} (a ControlNet the workers
 * publish, autocompleted), {@code preprocessor} (none, canny at A1111's 100/200, or {@code canny:LOW:HIGH}; free
 * text with suggestions, read by {@link ControlNetUnit#withPreprocessor}), {@code control_weight},
 * {@code control_start}, {@code control_end} and {@code control_mode}, as A1111's unit. One unit per /imagine.
 */
final class ImagineControl {
    static final String IMAGE = "control_image";
    static final String CONTROL = "control";
    static final String PREPROCESSOR = "preprocessor";

    private ImagineControl() {
    }

    static List<OptionData> options() {
        OptionData mode = new OptionData(OptionType.STRING, "control_mode", "ControlNet: what weighs more (A1111's Control Mode)");
        for (ControlMode m : ControlMode.values()) {
            mode.addChoice(m.label(), m.id());
        }
        // free text with suggestions (Discord allows no more options): canny's thresholds are typed as canny:LOW:HIGH
        OptionData preprocessor = new OptionData(OptionType.STRING, PREPROCESSOR,
                "ControlNet: none (a ready pose, depth map, edges...), canny or canny:LOW:HIGH (100:200)", false, true);
        return List.of(
                new OptionData(OptionType.ATTACHMENT, IMAGE, "ControlNet image: pose, depth map, edges... or a photo for canny"),
                new OptionData(OptionType.STRING, CONTROL, "ControlNet model", false, true),
                preprocessor,
                new OptionData(OptionType.NUMBER, "control_weight", "ControlNet weight (1)")
                        .setRequiredRange(0, ControlNetUnit.MAX_WEIGHT),
                new OptionData(OptionType.NUMBER, "control_start", "ControlNet starts at this fraction of the steps (0)")
                        .setRequiredRange(0, 1),
                new OptionData(OptionType.NUMBER, "control_end", "ControlNet ends at this fraction of the steps (1)")
                        .setRequiredRange(0, 1),
                mode);
    }

    /** Problems visible in the options alone: the two go together, the attachment's metadata. */
    static Optional<String> immediateProblem(SlashCommandInteractionEvent event) {
        boolean image = event.getOption(IMAGE) != null;
        boolean control = event.getOption(CONTROL) != null;
        if (image != control) {
            return Optional.of("`control` and `control_image` go together: pick a ControlNet and attach its image.");
        }
        if (!image) {
            return Optional.empty();
        }
        return ImageAttachments.problem(IMAGE, event.getOption(IMAGE).getAsAttachment());
    }

    static boolean requested(SlashCommandInteractionEvent event) {
        return event.getOption(CONTROL) != null;
    }

    /** The unit of the options with its downloaded image. */
    static ControlNetUnit unit(SlashCommandInteractionEvent event, byte[] image) {
        return new ControlNetUnit(event.getOption(CONTROL, "", OptionMapping::getAsString).strip(), image,
                "none", ControlNetUnit.DEFAULT_CANNY_LOW, ControlNetUnit.DEFAULT_CANNY_HIGH,
                event.getOption("control_weight", 1.0, OptionMapping::getAsDouble),
                event.getOption("control_start", 0.0, OptionMapping::getAsDouble),
                event.getOption("control_end", 1.0, OptionMapping::getAsDouble),
                ControlMode.fromId(event.getOption("control_mode", "balanced", OptionMapping::getAsString)))
                .withPreprocessor(event.getOption(PREPROCESSOR, "none", OptionMapping::getAsString));
    }

    /** none, canny, canny at A1111's thresholds, and what is being typed when it reads as canny:LOW:HIGH. */
    static List<Command.Choice> preprocessorChoices(String typed) {
        String text = typed.strip().toLowerCase(Locale.ROOT);
        List<Command.Choice> all = new ArrayList<>();
        if (text.startsWith("canny:") && text.length() <= 40) {
            all.add(new Command.Choice("canny, thresholds " + text.substring(6).replace(':', '/'), text));
        }
        all.add(new Command.Choice("none (the image is a ready pose, depth map, edges...)", "none"));
        all.add(new Command.Choice("canny (edges of a photo, thresholds 100/200)", "canny"));
        all.add(new Command.Choice("canny:50:150 (more edges)", "canny:50:150"));
        all.add(new Command.Choice("canny:150:250 (fewer edges)", "canny:150:250"));
        return all.stream().filter(c -> c.getAsString().startsWith(text) || text.startsWith("canny:")).toList();
    }

    /** Up to 25 published ControlNet names containing what was typed. */
    static List<Command.Choice> choices(Set<String> controlNets, String typed) {
        String lower = typed.toLowerCase(Locale.ROOT);
        return controlNets.stream().filter(c -> c.toLowerCase(Locale.ROOT).contains(lower)).limit(25)
                .map(c -> new Command.Choice(c, c)).toList();
    }
}
