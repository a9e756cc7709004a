package dev.sdbot.inference.api;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How a hires fix enlarges the first pass, with A1111's names (they appear in the infotext as "Hires upscaler"): one
 * of the built-in {@link Method}s, or an ESRGAN-family upscaler of the worker named by its file
 * ({@code <models>/upscalers/NAME.safetensors}), as A1111 lists its ESRGAN models.
 *
 * @param model the upscaler's name for {@link Method#MODEL}, else null
 */
public record HiresUpscaler(Method method, String model) {
    /** A1111's longest upscaler names are far shorter; the bound keeps a typo from filling a column. */
    public static final int MAX_NAME_LENGTH = 100;

    /** torch {@code interpolate(mode="bilinear")} on the latents: A1111's "Latent". */
    public static final HiresUpscaler LATENT = new HiresUpscaler(Method.LATENT, null);
    public static final HiresUpscaler LATENT_BICUBIC = new HiresUpscaler(Method.LATENT_BICUBIC, null);
    public static final HiresUpscaler LATENT_NEAREST = new HiresUpscaler(Method.LATENT_NEAREST, null);
    /** Decode, Lanczos-resize the 8-bit image, encode again: A1111's "Lanczos". */
    public static final HiresUpscaler LANCZOS = new HiresUpscaler(Method.LANCZOS, null);

    /** The built-in ways, and {@link #MODEL} for an upscaler network. */
    public enum Method {
        LATENT("latent", "Latent"),
        LATENT_BICUBIC("latent-bicubic", "Latent (bicubic)"),
        LATENT_NEAREST("latent-nearest", "Latent (nearest)"),
        LANCZOS("lanczos", "Lanczos"),
        /** Decode, enlarge with the named ESRGAN-family network (then Lanczos to the exact size), encode again. */
        MODEL(null, null);

        private final String id;
        private final String displayName;

        Method(String id, String displayName) {
            this.id = id;
            this.displayName = displayName;
        }
    }

    public HiresUpscaler {
        if ((method == Method.MODEL) != (model != null)) {
            throw new IllegalArgumentException("an upscaler model is named exactly for Method.MODEL");
        }
    }

    /** The ESRGAN-family upscaler {@code name} of the worker. */
    public static HiresUpscaler model(String name) {
        return new HiresUpscaler(Method.MODEL, name.strip());
    }

    /** What is stored and typed: "latent", "lanczos"..., or the upscaler's name. */
    public String id() {
        return method == Method.MODEL ? model : method.id;
    }

    /** A1111's name, written in the infotext: "Latent", "Lanczos"..., or the upscaler's name. */
    public String displayName() {
        return method == Method.MODEL ? model : method.displayName;
    }

    /** Whether the latents are resized (no decode and encode). */
    public boolean latent() {
        return method == Method.LATENT || method == Method.LATENT_BICUBIC || method == Method.LATENT_NEAREST;
    }

    /** Whether it is an upscaler network of the worker. */
    public boolean isModel() {
        return method == Method.MODEL;
    }

    /**
     * A built-in by id or A1111 name (any case), else the upscaler network of that name (the worker's files are
     * the only list of those: the scheduler and the engine refuse a name no worker has).
     *
     * @throws IllegalArgumentException for a blank or overlong name
     */
    public static HiresUpscaler fromId(String id) {
        String wanted = id == null ? "" : id.strip();
        for (Method m : Method.values()) {
            if (m != Method.MODEL && (m.id.equals(wanted.toLowerCase(Locale.ROOT))
                    || m.displayName.equalsIgnoreCase(wanted))) {
                return new HiresUpscaler(m, null);
            }
        }
        if (wanted.isEmpty() || wanted.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("hires upscaler must be one of " + builtInIds()
                    + " or an upscaler's name (at most " + MAX_NAME_LENGTH + " characters), got '" + id + "'");
        }
        return model(wanted);
    }

    /** The built-in ids, comma-separated. */
    public static String builtInIds() {
        return Arrays.stream(Method.values()).filter(m -> m != Method.MODEL).map(m -> m.id)
                .collect(Collectors.joining(", "));
    }
}
