package dev.sdbot.inference.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.sdbot.inference.nn.Activations;
import dev.sdbot.inference.nn.Conv2d;
import dev.sdbot.inference.nn.Downsample;
import dev.sdbot.inference.nn.GroupNorm;
import dev.sdbot.inference.nn.ResnetBlock;
import dev.sdbot.inference.nn.Upsample;

import java.util.List;

/**
 * The VAE's layers run tile by tile, layer by layer (as A1111's Tiled VAE): every GroupNorm first gathers its
 * statistics from all tiles ({@link SharedGroupNorm}), then each tile is normalised with them. Between two group
 * norms there is one 3x3 convolution, so each tile reads a halo of one pixel (the conv's padding) around its core
 * from the layer's shared input and writes only its core into the layer's output: the result equals the untiled
 * VAE up to float rounding, with no seams to blend. Per-tile temporaries are bounded by the tile; the layer's input
 * and output stay whole, and residual blocks write over their input, so about two activations of the largest
 * layer are alive (three in a block that narrows the channels) instead of the untiled VAE's five or six. The
 * mid-block attention attends over the whole latent with its score matrix bounded by {@link #maxScoreElements}.
 */
final class TiledLayers implements VaeLayers {
    private final List<TileLayout.Core> cores;
    private final int unitsH;
    private final int unitsW;
    private final long maxScoreElements;

    /** @param unitsH latent rows, {@code unitsW} latent columns of the image being decoded or encoded */
    TiledLayers(TileLayout layout, int unitsH, int unitsW) {
        this.cores = layout.cores(unitsH, unitsW);
        this.unitsH = unitsH;
        this.unitsW = unitsW;
        long tilePositions = (long) layout.tile() * layout.tile();
        this.maxScoreElements = Math.max(tilePositions * tilePositions, 1L << 22);
    }

    @Override
    public NDArray conv(NDArray x, Conv2d conv) {
        return byTile(x, scale(x), null, (core, tm) -> convCore(x, null, conv, core, tm));
    }

    @Override
    public NDArray normSiluConv(NDArray x, GroupNorm norm, Conv2d conv) {
        SharedGroupNorm shared = gather(norm, x);
        return byTile(x, scale(x), null, (core, tm) -> convCore(x, shared, conv, core, tm));
    }

    @Override
    public NDArray resnet(NDArray x, ResnetBlock block) {
        NDArray h = normSiluConv(x, block.norm1(), block.conv1());
        SharedGroupNorm norm2 = gather(block.norm2(), h);
        Conv2d shortcut = block.shortcut();
        // Each core's residual reads only its own core of x, so without a width change the result can overwrite x.
        NDArray out = byTile(x, scale(x), shortcut == null ? x : null, (core, tm) -> {
            NDArray residual = slice(x, tm, core.y0(), core.y1(), core.x0(), core.x1());
            if (shortcut != null) {
                residual = shortcut.forward(residual);
            }
            return convCore(h, norm2, block.conv2(), core, tm).addi(residual);
        });
        h.close();
        return out;
    }

    @Override
    public NDArray upsample(NDArray x, Upsample up) {
        long height = x.getShape().get(2);
        long width = x.getShape().get(3);
        return byTile(x, scale(x) * 2, null, (core, tm) -> {
            // one low-resolution pixel of halo becomes two after the 2x resize; the 3x3 conv needs one
            int y0 = Math.max(0, core.y0() / 2 - 1);
            int y1 = (int) Math.min(height, core.y1() / 2 + 1);
            int x0 = Math.max(0, core.x0() / 2 - 1);
            int x1 = (int) Math.min(width, core.x1() / 2 + 1);
            NDArray in = slice(x, tm, y0, y1, x0, x1);
            NDArray out = up.forward(in, 2L * (y1 - y0), 2L * (x1 - x0));
            return crop(out, core, 2 * y0, 2 * x0);
        });
    }

    @Override
    public NDArray downsample(NDArray x, Downsample down) {
        if (!down.asymmetric()) {
            throw new IllegalStateException("the VAE encoder's downsampling pads asymmetrically");
        }
        long height = x.getShape().get(2);
        long width = x.getShape().get(3);
        return byTile(x, scale(x) / 2, null, (core, tm) -> {
            // output pixel i reads input 2i..2i+2; past the bottom/right edge the VAE pads one zero row/column
            int y1 = (int) Math.min(height, 2L * core.y1() + 1);
            int x1 = (int) Math.min(width, 2L * core.x1() + 1);
            NDArray in = slice(x, tm, 2 * core.y0(), y1, 2 * core.x0(), x1);
            long padBottom = 2L * core.y1() + 1 - y1;
            long padRight = 2L * core.x1() + 1 - x1;
            if (padBottom > 0 || padRight > 0) {
                in = in.pad(new Shape(0, padRight, 0, padBottom), 0);
            }
            return down.conv().forward(in);
        });
    }

    @Override
    public NDArray attention(NDArray x, SpatialAttention attention) {
        SharedGroupNorm norm = gather(attention.norm(), x);
        NDArray normed = byTile(x, scale(x), null,
                (core, tm) -> norm.apply(slice(x, tm, core.y0(), core.y1(), core.x0(), core.x1())));
        try (normed) {
            return attention.attend(x, normed, maxScoreElements);
        }
    }

    /** {@code conv(silu(norm(x)))} (or {@code conv(x)} without a norm) over one core, from the core plus its halo. */
    private static NDArray convCore(NDArray x, SharedGroupNorm norm, Conv2d conv, TileLayout.Core core, NDManager tm) {
        int halo = conv.padding();
        int y0 = Math.max(0, core.y0() - halo);
        int y1 = (int) Math.min(x.getShape().get(2), core.y1() + halo);
        int x0 = Math.max(0, core.x0() - halo);
        int x1 = (int) Math.min(x.getShape().get(3), core.x1() + halo);
        NDArray in = slice(x, tm, y0, y1, x0, x1);
        if (norm != null) {
            in = Activations.siluInPlace(norm.apply(in));
        }
        // the conv zero-pads the slice; at the image's edges that is the untiled conv's padding, elsewhere cropped
        return crop(conv.forward(in), core, y0, x0);
    }

    private static NDArray crop(NDArray out, TileLayout.Core core, int y0, int x0) {
        return out.get(":, :, {}:{}, {}:{}", core.y0() - y0, core.y1() - y0, core.x0() - x0, core.x1() - x0);
    }

    /** A slice of {@code x} owned by {@code tm}, so everything computed from it is freed with the tile. */
    static NDArray slice(NDArray x, NDManager tm, int y0, int y1, int x0, int x1) {
        NDArray s = x.get(":, :, {}:{}, {}:{}", y0, y1, x0, x1);
        s.attach(tm);
        return s;
    }

    private SharedGroupNorm gather(GroupNorm norm, NDArray x) {
        int s = scale(x);
        return SharedGroupNorm.gather(norm, x, cores.stream().map(c -> c.scaled(s)).toList());
    }

    /** Pixels of {@code x} per latent pixel. */
    private int scale(NDArray x) {
        long h = x.getShape().get(2);
        if (h % unitsH != 0) {
            throw new IllegalStateException("activation height " + h + " is not a multiple of " + unitsH + " latent rows");
        }
        return (int) (h / unitsH);
    }

    private interface TileOp {
        /** The output over {@code core} (output pixels), computed in {@code tm}. */
        NDArray apply(TileLayout.Core core, NDManager tm);
    }

    /**
     * Runs {@code op} for every core at {@code outScale} output pixels per latent pixel and writes the cores into
     * {@code target}, or into a new array in {@code x}'s manager when target is null.
     */
    private NDArray byTile(NDArray x, int outScale, NDArray target, TileOp op) {
        NDArray out = target;
        for (TileLayout.Core unitCore : cores) {
            TileLayout.Core core = unitCore.scaled(outScale);
            try (NDManager tm = x.getManager().newSubManager()) {
                NDArray value = op.apply(core, tm);
                if (out == null) {
                    Shape v = value.getShape();
                    out = x.getManager().create(new Shape(v.get(0), v.get(1), (long) unitsH * outScale,
                            (long) unitsW * outScale), value.getDataType());
                }
                out.set(new NDIndex(":, :, {}:{}, {}:{}", core.y0(), core.y1(), core.x0(), core.x1()), value);
            }
        }
        return out;
    }
}
