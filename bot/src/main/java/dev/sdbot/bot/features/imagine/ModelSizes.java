package dev.sdbot.bot.features.imagine;

import dev.sdbot.bot.discord.Rejection;
import dev.sdbot.inference.api.ModelFamily;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The {@code size} of /imagine per model family: the choices offered are every family's sizes; a size must be
 * one of its model's family (an SDXL model only runs its ~1 megapixel buckets) or the side it was trained at;
 * without a size the guild or channel default applies unless the model cannot use it (then its own default: the
 * side it was trained at when that is none of its family's sizes, else the family's, 1024x1024 for SDXL).
 * A model whose family no worker announced is not checked by family. The guild's pixel limit applies afterwards
 * either way.
 */
final class ModelSizes {
    /** Every family's sizes, SD 1.x/2.x first: the static choices of the option. */
    static final List<String> CHOICES;

    static {
        Set<String> all = new LinkedHashSet<>();
        for (ModelFamily f : ModelFamily.values()) {
            all.addAll(f.sizes());
        }
        CHOICES = List.copyOf(all);
    }

    private ModelSizes() {
    }

    /**
     * @param family     the model's family, or null when unknown
     * @param nativeSide the side in pixels the model was trained at, or null when unknown
     * @param chosen     the member's {@code size}, or null when left out
     * @return {width, height}
     * @throws Rejection when the chosen size does not suit the model
     */
    static int[] choose(String model, ModelFamily family, Integer nativeSide, String chosen, int defaultWidth,
                        int defaultHeight) {
        if (family == null) {
            return chosen == null ? new int[] {defaultWidth, defaultHeight} : parse(chosen);
        }
        List<String> sizes = sizes(family, nativeSide);
        if (chosen == null) {
            String fallback = defaultWidth + "x" + defaultHeight;
            return sizes.contains(fallback) && !offFamily(family, nativeSide) ? new int[] {defaultWidth, defaultHeight}
                    : parse(sizes.get(0));
        }
        String size = chosen.trim().toLowerCase(Locale.ROOT);
        if (!sizes.contains(size)) {
            throw new Rejection("⚠️ `" + model + "` is " + describe(family) + " model: it takes the sizes "
                    + String.join(", ", sizes) + ", not " + chosen + ".");
        }
        return parse(size);
    }

    /** The family's sizes, led by the side the model was trained at when that is none of them. */
    private static List<String> sizes(ModelFamily family, Integer nativeSide) {
        if (!offFamily(family, nativeSide)) {
            return family.sizes();
        }
        List<String> sizes = new ArrayList<>();
        sizes.add(nativeSide + "x" + nativeSide);
        sizes.addAll(family.sizes());
        return sizes;
    }

    private static boolean offFamily(ModelFamily family, Integer nativeSide) {
        return nativeSide != null && !family.sizes().contains(nativeSide + "x" + nativeSide);
    }

    private static String describe(ModelFamily family) {
        return switch (family) {
            case SD1 -> "an SD 1.x";
            case SD2 -> "an SD 2.x";
            case SDXL -> "an SDXL";
        };
    }

    /** "WIDTHxHEIGHT"; anything else is refused. */
    static int[] parse(String value) {
        String[] parts = value.toLowerCase(Locale.ROOT).split("x");
        try {
            if (parts.length == 2) {
                return new int[] {Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim())};
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new Rejection("⚠️ The size must look like 1024x1024, not " + value + ".");
    }
}
