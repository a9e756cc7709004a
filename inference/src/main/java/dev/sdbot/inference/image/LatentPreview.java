package dev.sdbot.inference.image;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * A cheap progress preview: SD 1.x/2.x latents mapped to RGB with a fixed linear approximation of
 * the VAE decoder (A1111's "Approx cheap" coefficients), one pixel per latent cell.
 */
public final class LatentPreview {
    /** Contribution of latent channel c (row) to R, G, B (columns). */
    private static final float[][] COEFFICIENTS = {
            {0.298f, 0.207f, 0.208f},
            {0.187f, 0.286f, 0.173f},
            {-0.158f, 0.189f, 0.264f},
            {-0.184f, -0.271f, -0.473f},
    };

    private LatentPreview() {
    }

    /** @param latents (N, 4, h, w) scaled latents; the first item is previewed */
    public static RgbImage toImage(NDArray latents) {
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
                for (int c = 0; c < COEFFICIENTS.length; c++) {
                    v += values[c * plane + i] * COEFFICIENTS[c][rgb];
                }
                px[3 * i + rgb] = ImageTensors.toByte(v);
            }
        }
        return new RgbImage(w, h, px);
    }

    /** The preview as a PNG (no text chunks). */
    public static byte[] png(NDArray latents) {
        return ImageCodec.encodePng(toImage(latents));
    }
}
