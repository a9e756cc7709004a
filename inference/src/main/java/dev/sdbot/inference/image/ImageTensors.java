package dev.sdbot.inference.image;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.util.ArrayList;
import java.util.List;

/** Conversions between 8-bit images and the pipeline's NCHW float tensors in [-1, 1]. */
public final class ImageTensors {
    private ImageTensors() {
    }

    /**
     * (N, 3, H, W) float32 in [-1, 1]: {@code uint8 / 127.5 - 1}. All images must have one size.
     */
    public static NDArray toTensor(List<RgbImage> images, NDManager manager) {
        if (images.isEmpty()) {
            throw new IllegalArgumentException("no images");
        }
        int w = images.get(0).width();
        int h = images.get(0).height();
        int plane = w * h;
        float[] out = new float[images.size() * 3 * plane];
        for (int n = 0; n < images.size(); n++) {
            RgbImage image = images.get(n);
            if (image.width() != w || image.height() != h) {
                throw new IllegalArgumentException("images differ in size: " + w + "x" + h + " and "
                        + image.width() + "x" + image.height());
            }
            byte[] px = image.pixels();
            for (int c = 0; c < 3; c++) {
                int base = (n * 3 + c) * plane;
                for (int i = 0; i < plane; i++) {
                    out[base + i] = (px[3 * i + c] & 0xff) / 127.5f - 1f;
                }
            }
        }
        return manager.create(out, new Shape(images.size(), 3, h, w));
    }

    public static NDArray toTensor(RgbImage image, NDManager manager) {
        return toTensor(List.of(image), manager);
    }

    /**
     * (N, 3, H, W) in [-1, 1] (the VAE decoder's output) to 8-bit images:
     * {@code round(clamp(x / 2 + 0.5, 0, 1) * 255)} in float32, rounding half to even like numpy.
     */
    public static List<RgbImage> toImages(NDArray nchw) {
        Shape s = nchw.getShape();
        if (s.dimension() != 4 || s.get(1) != 3) {
            throw new IllegalArgumentException("expected (N, 3, H, W) images, got " + s);
        }
        int n = (int) s.get(0);
        int h = (int) s.get(2);
        int w = (int) s.get(3);
        int plane = w * h;
        float[] values = nchw.toType(DataType.FLOAT32, false).toFloatArray();
        List<RgbImage> images = new ArrayList<>(n);
        for (int b = 0; b < n; b++) {
            byte[] px = new byte[plane * 3];
            for (int c = 0; c < 3; c++) {
                int base = (b * 3 + c) * plane;
                for (int i = 0; i < plane; i++) {
                    px[3 * i + c] = toByte(values[base + i]);
                }
            }
            images.add(new RgbImage(w, h, px));
        }
        return images;
    }

    static byte toByte(float x) {
        float v = x / 2f + 0.5f;
        v = v < 0f ? 0f : Math.min(v, 1f); // NaN stays NaN and becomes 0 below
        return (byte) (int) Math.rint(v * 255f);
    }

    /**
     * An (N, H, W, 3) uint8 tensor (the reference's {@code *_uint8} layout) to images.
     */
    public static List<RgbImage> fromHwc(NDArray nhwc) {
        Shape s = nhwc.getShape();
        if (s.dimension() != 4 || s.get(3) != 3) {
            throw new IllegalArgumentException("expected (N, H, W, 3) uint8 images, got " + s);
        }
        int h = (int) s.get(1);
        int w = (int) s.get(2);
        byte[] all = nhwc.toType(DataType.UINT8, false).toByteArray();
        List<RgbImage> out = new ArrayList<>();
        int size = h * w * 3;
        for (int i = 0; i < s.get(0); i++) {
            byte[] px = new byte[size];
            System.arraycopy(all, i * size, px, 0, size);
            out.add(new RgbImage(w, h, px));
        }
        return out;
    }
}
