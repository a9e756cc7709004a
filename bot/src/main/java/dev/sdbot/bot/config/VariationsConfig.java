package dev.sdbot.bot.config;

/**
 * The 🎨 Variations button ({@code variations:} in sdbot.yaml): it re-runs the result's request with the same seed and
 * A1111's variation seed at {@code strength} (A1111's "Variation strength", 0..1; above 0, else nothing would vary).
 */
public record VariationsConfig(double strength) {
    /** Small enough to keep the composition, large enough to be told apart. */
    public static final double DEFAULT_STRENGTH = 0.3;

    public VariationsConfig {
        if (!(strength > 0 && strength <= 1)) {
            throw new IllegalArgumentException("the Variations button's strength (SDBOT_VARIATIONS_STRENGTH,"
                    + " variations.strength) must be above 0 and at most 1, got " + strength);
        }
    }
}
