package dev.sdbot.inference.image;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * A cheap progress preview: latents mapped to RGB with a fixed linear approximation of the VAE decoder (A1111's
 * "Approx cheap" coefficients of {@code sd_vae_approx.cheap_approximation}: SD 1.x/2.x's, or SDXL's for its own
 * latent space), one pixel per latent cell.
 */
public final class LatentPreview {
    /** Contribution of latent channel c (row) to R, G, B (columns), SD 1.x/2.x. */
    private static final float[][] COEFFICIENTS = {
            {0.298f, 0.207f, 0.208f},
            {0.187f, 0.286f, 0.173f},
            {-0.158f, 0.189f, 0.264f},
            {-0.184f, -0.271f, -0.473f},
    };
    /** The same for SDXL's VAE. */
    private static final float[][] SDXL_COEFFICIENTS = {
            {0.3448f, 0.4168f, 0.4395f},
            {-0.1953f, -0.0290f, 0.0250f},
            {0.1074f, 0.0886f, -0.0163f},
            {-0.3730f, -0.2499f, -0.2088f},
    };

    private LatentPreview() {
    }

    /** @param latents (N, 4, h, w) scaled SD 1.x/2.x latents; the first item is previewed */
    public static RgbImage toImage(NDArray latents) {
        return toImage(latents, false);
    }

    /** @param sdxl whether the latents are SDXL's (its own coefficients) */
    public static RgbImage toImage(NDArray latents, boolean sdxl) {
        float[][] coefficients = sdxl ? SDXL_COEFFICIENTS : COEFFICIENTS;
        Shape s = latents.getShape();
        if (s.dimension() != 4 || s.get(1) != COEFFICIENTS.length) {
            throw new IllegalArgumentException("expected (N, 4, h, w) latents, got " + s);
        }
        int h = (int) s.get(2);
        int w = (int) s.get(3);
        int plane = h * w;
        float[] values = latents.get(0).toType(DataType.FLOAT32, false).toFloatArray();
        byte[] px = new byte[plane * 3];
        for (int i = 0; i < plane; i++) {
            for (int rgb = 0; rgb < 3; rgb++) {
                float v = 0;
                for (int c = 0; c < coefficients.length; c++) {
                    v += values[c * plane + i] * coefficients[c][rgb];
                }
                px[3 * i + rgb] = ImageTensors.toByte(v);
            }
        }
        return new RgbImage(w, h, px);
    }

    /** The preview as a PNG (no text chunks). */
    public static byte[] png(NDArray latents) {
        return png(latents, false);
    }

    public static byte[] png(NDArray latents, boolean sdxl) {
        return ImageCodec.encodePng(toImage(latents, sdxl));
    }
}
