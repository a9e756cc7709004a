package dev.sdbot.inference.api;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How a hires fix enlarges the first pass, with A1111's names (they appear in the infotext as "Hires upscaler"). */
public enum HiresUpscaler {
    /** torch {@code interpolate(mode="bilinear")} on the latents: A1111's "Latent". */
    LATENT("latent", "Latent"),
    LATENT_BICUBIC("latent-bicubic", "Latent (bicubic)"),
    LATENT_NEAREST("latent-nearest", "Latent (nearest)"),
    /** Decode, Lanczos-resize the 8-bit image, encode again: A1111's "Lanczos". */
    LANCZOS("lanczos", "Lanczos");

    private final String id;
    private final String displayName;

    HiresUpscaler(String id, String displayName) {
        this.id = id;
        this.displayName = displayName;
    }

    public String id() {
        return id;
    }

    public String displayName() {
        return displayName;
    }

    public boolean latent() {
        return this != LANCZOS;
    }

    /** @throws IllegalArgumentException listing the ids for an unknown one */
    public static HiresUpscaler fromId(String id) {
        String wanted = id.strip().toLowerCase(Locale.ROOT);
        for (HiresUpscaler u : values()) {
            if (u.id.equals(wanted) || u.displayName.toLowerCase(Locale.ROOT).equals(wanted)) {
                return u;
            }
        }
        throw new IllegalArgumentException("unknown hires upscaler '" + id + "'; available: "
                + Arrays.stream(values()).map(HiresUpscaler::id).collect(Collectors.joining(", ")));
    }
}
