package dev.sdbot.inference.sampling;

import java.util.Locale;

/** How inference timesteps are spread over the training timesteps (diffusers' timestep_spacing). */
public enum TimestepSpacing {
    LEADING, LINSPACE, TRAILING;

    /** The configured spacing, or {@code samplerDefault} when the model config does not name one. */
    public static TimestepSpacing fromConfig(String value, TimestepSpacing samplerDefault) {
        if (value == null) {
            return samplerDefault;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "leading" -> LEADING;
            case "linspace" -> LINSPACE;
            case "trailing" -> TRAILING;
            default -> throw new IllegalArgumentException("unsupported timestep_spacing '" + value
                    + "' (expected leading, linspace or trailing)");
        };
    }
}
