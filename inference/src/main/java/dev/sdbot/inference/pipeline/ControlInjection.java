package dev.sdbot.inference.pipeline;

import dev.sdbot.inference.api.ControlMode;

/**
 * A1111's control modes as sd-webui-controlnet's {@code UnetHook} applies them (scripts/hook.py): "Balanced" scales
 * every residual by the weight; the two others ({@code soft_injection}) scale residual {@code i} (the down path's
 * from the shallowest, the mid block's last) by {@code weight * 0.825^(12 - i)}, a list made for SD 1.x's 13
 * residuals and cut to the net's count (SDXL's 10, as the extension's {@code control_scales[:10]}); "ControlNet is
 * more important" ({@code cfg_injection}) also multiplies the residuals by {@code cond_mark}, so the negative
 * prompt's rows of the guided batch get none and CFG pushes the image towards the control.
 */
final class ControlInjection {
    /** The extension's soft-injection base and the residual count its list is written for. */
    static final double SOFT_BASE = 0.825;
    static final int SD1_RESIDUALS = 13;

    private ControlInjection() {
    }

    /** The scale of each of a net's {@code residuals} residuals (down path first, mid block last). */
    static float[] scales(ControlMode mode, float weight, int residuals) {
        if (mode != ControlMode.BALANCED && residuals > SD1_RESIDUALS) {
            throw new IllegalArgumentException("soft injection is defined for at most " + SD1_RESIDUALS
                    + " residuals, the ControlNet has " + residuals);
        }
        float[] scales = new float[residuals];
        for (int i = 0; i < residuals; i++) {
            scales[i] = mode == ControlMode.BALANCED ? weight
                    : (float) (weight * Math.pow(SOFT_BASE, SD1_RESIDUALS - 1 - i));
        }
        return scales;
    }

    /** Whether only the prompt's rows of a guided batch get the residuals ({@code cfg_injection}). */
    static boolean promptRowsOnly(ControlMode mode) {
        return mode == ControlMode.CONTROLNET;
    }
}
