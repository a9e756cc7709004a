package dev.sdbot.inference.image;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.sdbot.inference.api.InvalidRequestException;

/** Inpainting masks: gray images where white (255) marks what to repaint. */
public final class Masks {
    /** Relative aspect-ratio difference tolerated between a mask and its init image. */
    private static final double ASPECT_TOLERANCE = 0.01;

    private Masks() {
    }

    /**
     * Rejects a mask that cannot belong to the init image: it must have the same size or, if it was
     * scaled, the same aspect ratio.
     */
    public static void checkMatches(GrayImage mask, RgbImage init) throws InvalidRequestException {
        checkMatches(mask.width(), mask.height(), init.width(), init.height());
    }

    /** As {@link #checkMatches(GrayImage, RgbImage)} from the sizes alone (read from the images' headers). */
    public static void checkMatches(int maskWidth, int maskHeight, int initWidth, int initHeight)
            throws InvalidRequestException {
        if (maskWidth == initWidth && maskHeight == initHeight) {
            return;
        }
        double maskAspect = (double) maskWidth / maskHeight;
        double initAspect = (double) initWidth / initHeight;
        if (Math.abs(maskAspect / initAspect - 1) > ASPECT_TOLERANCE) {
            throw new InvalidRequestException("the mask (" + maskWidth + "x" + maskHeight
                    + ") does not match the init image (" + initWidth + "x" + initHeight
                    + "): it must have the same size or aspect ratio");
        }
    }

    /**
     * (1, 1, H, W) float32 mask, binarised as diffusers' mask processor does: 1 (repaint) where the
     * gray level is at least half (128), else 0.
     */
    public static NDArray toTensor(GrayImage mask, NDManager manager) {
        byte[] px = mask.pixels();
        float[] out = new float[px.length];
        for (int i = 0; i < px.length; i++) {
            out[i] = (px[i] & 0xff) >= 128 ? 1f : 0f;
        }
        return manager.create(out, new Shape(1, 1, mask.height(), mask.width()));
    }

    /** Whether any pixel would be repainted. */
    public static boolean hasRepaintArea(GrayImage mask) {
        for (byte b : mask.pixels()) {
            if ((b & 0xff) >= 128) {
                return true;
            }
        }
        return false;
    }

    /**
     * A1111's inpainting overlay (its {@code apply_overlay} with mask blur 0): the generated image with the init
     * image's own pixels put back wherever the mask keeps them (below 128, as {@link #toTensor} binarises), so the
     * kept region leaves the VAE's round trip unchanged, bit for bit.
     */
    public static RgbImage overlay(RgbImage generated, RgbImage init, GrayImage mask) {
        if (generated.width() != init.width() || generated.height() != init.height()
                || mask.width() != init.width() || mask.height() != init.height()) {
            throw new IllegalArgumentException("overlay needs one size: generated " + generated.width() + "x"
                    + generated.height() + ", init " + init.width() + "x" + init.height() + ", mask " + mask.width()
                    + "x" + mask.height());
        }
        byte[] out = generated.pixels().clone();
        byte[] keep = mask.pixels();
        for (int i = 0; i < keep.length; i++) {
            if ((keep[i] & 0xff) < 128) {
                System.arraycopy(init.pixels(), i * 3, out, i * 3, 3);
            }
        }
        return new RgbImage(generated.width(), generated.height(), out);
    }
}
