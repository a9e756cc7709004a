package dev.sdbot.inference.lora;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A prompt split into its text and its {@code <lora:...>} tags, as A1111's {@code extra_networks.parse_prompt}:
 * tags match {@code <(\w+):([^>]+)>}, are removed from the text before the attention syntax is parsed, and their
 * arguments split at {@code :} into name, text-encoder weight and UNet weight. Only {@code lora} tags are taken
 * out; other extra-network types stay text (this engine has none of them).
 *
 * @param text  the prompt without its LoRA tags
 * @param loras the tags in prompt order
 */
public record LoraPrompt(String text, List<LoraTag> loras) {
    private static final Pattern EXTRA_NETWORK = Pattern.compile("<(\\w+):([^>]+)>");

    public LoraPrompt {
        loras = List.copyOf(loras);
    }

    /** @throws IllegalArgumentException for a tag without a name, with more than two weights or a bad number */
    public static LoraPrompt parse(String prompt) {
        List<LoraTag> loras = new ArrayList<>();
        Matcher m = EXTRA_NETWORK.matcher(prompt);
        StringBuilder text = new StringBuilder();
        while (m.find()) {
            if (!m.group(1).equals("lora")) {
                continue;
            }
            loras.add(tag(m.group(0), m.group(2).split(":", -1)));
            m.appendReplacement(text, "");
        }
        m.appendTail(text);
        return new LoraPrompt(text.toString(), loras);
    }

    private static LoraTag tag(String whole, String[] args) {
        String name = args[0].strip();
        if (name.isEmpty() || args.length > 3) {
            throw new IllegalArgumentException("malformed LoRA tag " + whole
                    + ": expected <lora:name>, <lora:name:weight> or <lora:name:text_weight:unet_weight>");
        }
        double text = args.length > 1 ? weight(whole, args[1]) : 1;
        double unet = args.length > 2 ? weight(whole, args[2]) : text;
        return new LoraTag(name, text, unet);
    }

    private static double weight(String whole, String arg) {
        try {
            double w = Double.parseDouble(arg.strip());
            if (Double.isFinite(w)) {
                return w;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("malformed LoRA tag " + whole + ": weight '" + arg + "' is not a number");
    }
}
