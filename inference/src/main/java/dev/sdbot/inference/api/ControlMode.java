package dev.sdbot.inference.api;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A1111's ControlNet "Control Mode" (sd-webui-controlnet's {@code ControlMode}): how a unit's residuals are weighted
 * ({@code soft_injection}) and whether the negative prompt's half of the guided batch gets them
 * ({@code cfg_injection}). The engine's maths is in {@code inference.pipeline.ControlInjection}.
 */
public enum ControlMode {
    BALANCED("balanced", "Balanced"),
    /** soft injection: residual i of 13 scaled by 0.825^(12 - i), the mid block's by 1. */
    PROMPT("prompt", "My prompt is more important"),
    /** soft injection, and the residuals reach only the prompt's rows, so CFG pushes towards the control. */
    CONTROLNET("controlnet", "ControlNet is more important");

    private final String id;
    private final String label;

    ControlMode(String id, String label) {
        this.id = id;
        this.label = label;
    }

    /** What the CLI, Discord and the database use: balanced, prompt, controlnet. */
    public String id() {
        return id;
    }

    /** The extension's own words, as its infotext writes them. */
    public String label() {
        return label;
    }

    /** @throws IllegalArgumentException naming the choices */
    public static ControlMode fromId(String id) {
        String wanted = id == null ? "" : id.trim().toLowerCase(Locale.ROOT);
        for (ControlMode mode : values()) {
            if (mode.id.equals(wanted) || mode.label.toLowerCase(Locale.ROOT).equals(wanted)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("unknown control mode '" + id + "': use "
                + Arrays.stream(values()).map(ControlMode::id).collect(Collectors.joining(", ")));
    }
}
