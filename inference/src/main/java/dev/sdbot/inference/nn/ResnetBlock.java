package dev.sdbot.inference.nn;

import ai.djl.ndarray.NDArray;

/**
 * diffusers ResnetBlock2D: GroupNorm, silu, conv, (+ projected time embedding), GroupNorm, silu, conv, plus
 * the input (through a 1x1 conv when the width changes). The VAE's blocks have no time embedding.
 */
public final class ResnetBlock {
    private final GroupNorm norm1;
    private final Conv2d conv1;
    private final Linear timeEmbProj;
    private final GroupNorm norm2;
    private final Conv2d conv2;
    private final Conv2d shortcut;

    private ResnetBlock(GroupNorm norm1, Conv2d conv1, Linear timeEmbProj, GroupNorm norm2, Conv2d conv2,
                        Conv2d shortcut) {
        this.norm1 = norm1;
        this.conv1 = conv1;
        this.timeEmbProj = timeEmbProj;
        this.norm2 = norm2;
        this.conv2 = conv2;
        this.shortcut = shortcut;
    }

    public static ResnetBlock load(Weights w, int groups, float eps) {
        return new ResnetBlock(
                GroupNorm.load(w, "norm1", groups, eps),
                Conv2d.load(w, "conv1"),
                w.contains("time_emb_proj.weight") ? Linear.load(w, "time_emb_proj") : null,
                GroupNorm.load(w, "norm2", groups, eps),
                Conv2d.load(w, "conv2"),
                w.contains("conv_shortcut.weight") ? Conv2d.load(w, "conv_shortcut") : null);
    }

    public GroupNorm norm1() {
        return norm1;
    }

    public Conv2d conv1() {
        return conv1;
    }

    public GroupNorm norm2() {
        return norm2;
    }

    public Conv2d conv2() {
        return conv2;
    }

    /** The 1x1 conv on the residual path when the width changes, else null (identity). */
    public Conv2d shortcut() {
        return shortcut;
    }

    /**
     * @param x           (B, Cin, H, W)
     * @param timeEmbSilu silu(time embedding) (B, T), or null for the VAE; diffusers applies the silu inside
     *                    every block, the UNet does it once for all of them
     */
    public NDArray forward(NDArray x, NDArray timeEmbSilu) {
        try (Scope scope = Scope.of(x, timeEmbSilu)) {
            NDArray h = conv1.forward(Activations.siluInPlace(norm1.forward(x)));
            if (timeEmbProj != null) {
                if (timeEmbSilu == null) {
                    throw new IllegalArgumentException("this resnet block needs a time embedding");
                }
                NDArray t = timeEmbProj.forward(timeEmbSilu);
                h.addi(t.reshape(t.getShape().get(0), t.getShape().get(1), 1, 1));
            }
            h = conv2.forward(Activations.siluInPlace(norm2.forward(h)));
            return scope.keep(h.addi(shortcut == null ? x : shortcut.forward(x)));
        }
    }
}
