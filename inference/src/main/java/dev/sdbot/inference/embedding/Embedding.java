package dev.sdbot.inference.embedding;

import dev.sdbot.inference.api.ModelFamily;

import java.util.Map;

/**
 * A textual-inversion embedding: the vectors that replace its name's tokens in a prompt, per text encoder.
 *
 * @param name      what a prompt writes to use it (the file name without extension, as A1111)
 * @param shortHash A1111's short hash of the file (first 12 hex digits of its SHA-256), for {@code TI hashes}
 * @param vectors   how many token positions it takes
 * @param rows      per encoder ({@link #SINGLE} for SD 1.x/2.x, {@link #CLIP_L} and {@link #CLIP_G} for SDXL):
 *                  {@code vectors} rows of the encoder's width
 */
public record Embedding(String name, String shortHash, int vectors, Map<String, float[][]> rows) {
    /** The key of a one-encoder embedding's rows. */
    public static final String SINGLE = "";
    /** SDXL's first text encoder (CLIP ViT-L). */
    public static final String CLIP_L = "clip_l";
    /** SDXL's second text encoder (OpenCLIP bigG). */
    public static final String CLIP_G = "clip_g";

    public Embedding {
        rows = Map.copyOf(rows);
    }

    /** The vector width for {@code encoder}, or 0 when the embedding has none for it. */
    public int width(String encoder) {
        float[][] r = rows.get(encoder);
        return r == null ? 0 : r[0].length;
    }

    public boolean isSdxl() {
        return rows.containsKey(CLIP_L);
    }

    /**
     * The family the embedding is for, told from its widths as A1111's expected shape tells it (768 SD 1.x, 1024 SD 2.x,
     * 768 + 1280 SDXL), or null for another width (a test model's): then only the engine, which knows the model's widths,
     * can tell.
     */
    public ModelFamily family() {
        if (isSdxl()) {
            return width(CLIP_L) == 768 && width(CLIP_G) == 1280 ? ModelFamily.SDXL : null;
        }
        return switch (width(SINGLE)) {
            case 768 -> ModelFamily.SD1;
            case 1024 -> ModelFamily.SD2;
            default -> null;
        };
    }

    /** The widths in words ("768", "768 + 1280"). */
    public String widths() {
        return isSdxl() ? width(CLIP_L) + " + " + width(CLIP_G) : Integer.toString(width(SINGLE));
    }
}
