package dev.sdbot.inference.api;

import java.util.List;
import java.util.Locale;

/**
 * The architecture a checkpoint belongs to, as read from its weights or configs (never its file name). It fixes
 * the text encoder(s) and the sizes a front end offers.
 */
public enum ModelFamily {
    /** OpenAI CLIP ViT-L/14 text encoder (quick_gelu), pads with end-of-text. */
    SD1("SD1", List.of("512x512", "768x512", "512x768", "640x640", "768x768", "1024x576", "576x1024", "1024x1024")),
    /** OpenCLIP ViT-H/14 text encoder (gelu), penultimate layer, pads with "!" (id 0). */
    SD2("SD2", SD1.sizes),
    /**
     * Stable Diffusion XL: CLIP ViT-L and OpenCLIP bigG penultimate states concatenated, bigG's pooled projection
     * and the size/crop ids as added UNet conditioning. Trained on about one megapixel in these buckets.
     */
    SDXL("SDXL", List.of("1024x1024", "1152x896", "896x1152", "1216x832", "832x1216", "1344x768", "768x1344"));

    private final String label;
    private final List<String> sizes;

    ModelFamily(String label, List<String> sizes) {
        this.label = label;
        this.sizes = sizes;
    }

    public String label() {
        return label;
    }

    /** The sizes ("WIDTHxHEIGHT") offered for the family, the default first. */
    public List<String> sizes() {
        return sizes;
    }

    /** Lower-case name as workers store it ("sd1", "sd2", "sdxl"). */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException for an unknown id */
    public static ModelFamily fromId(String id) {
        return valueOf(id.toUpperCase(Locale.ROOT));
    }

    /**
     * Whether a LoRA of this family (as the LoRA's tensor names tell it: SDXL, or SD1 for the layout SD 1.x and 2.x
     * share) can be merged into a {@code model} model.
     */
    public boolean loraFits(ModelFamily model) {
        return (this == SDXL) == (model == SDXL);
    }

    /** The models a LoRA of this family is for, in words. */
    public String loraModels() {
        return this == SDXL ? "SDXL" : "SD1/SD2";
    }
}
