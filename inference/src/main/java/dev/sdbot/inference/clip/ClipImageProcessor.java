package dev.sdbot.inference.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import dev.sdbot.inference.image.Resampler;
import dev.sdbot.inference.image.RgbImage;
import dev.sdbot.inference.weights.CheckpointException;
import dev.sdbot.inference.weights.ConfigJson;

import java.nio.file.Path;
import java.util.List;

/**
 * transformers' CLIPImageProcessor as configured by {@code preprocessor_config.json}: resize the
 * shortest side (Pillow resampling), centre crop, rescale to [0, 1], normalise with the CLIP
 * mean/std, in float32 like the reference.
 *
 * @param shortestEdge  target of the shorter side
 * @param cropHeight    centre crop height
 * @param cropWidth     centre crop width
 * @param filter        resampling filter
 * @param rescaleFactor usually 1/255
 * @param mean          per-channel mean (RGB)
 * @param std           per-channel standard deviation (RGB)
 */
public record ClipImageProcessor(int shortestEdge, int cropHeight, int cropWidth, Resampler.Filter filter,
                                 double rescaleFactor, float[] mean, float[] std) {
    private static final float[] CLIP_MEAN = {0.48145466f, 0.4578275f, 0.40821073f};
    private static final float[] CLIP_STD = {0.26862954f, 0.26130258f, 0.27577711f};

    public ClipImageProcessor {
        if (mean.length != 3 || std.length != 3) {
            throw new IllegalArgumentException("image_mean and image_std need 3 values each");
        }
    }

    /** OpenAI CLIP's preprocessing at 224 pixels (what the SD safety checker's feature extractor uses). */
    public static ClipImageProcessor standard() {
        return new ClipImageProcessor(224, 224, 224, Resampler.Filter.BICUBIC, 1 / 255.0, CLIP_MEAN, CLIP_STD);
    }

    /**
     * Reads {@code feature_extractor/preprocessor_config.json}. Only the steps that SD feature
     * extractors enable are supported; a config that disables one is rejected rather than misread.
     */
    public static ClipImageProcessor fromJson(Path file) {
        ConfigJson c = ConfigJson.read(file);
        String source = c.source();
        for (String step : new String[]{"do_resize", "do_center_crop", "do_rescale", "do_normalize"}) {
            if (!c.getBoolean(step, true)) {
                throw new CheckpointException(source + ": " + step + "=false is not supported");
            }
        }
        int shortest = sizeValue(c, "size", "shortest_edge", 224);
        int cropH = sizeValue(c, "crop_size", "height", 224);
        int cropW = sizeValue(c, "crop_size", "width", 224);
        Resampler.Filter filter;
        try {
            filter = Resampler.Filter.fromPillowId(c.positiveInt("resample", 3));
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(source + ": " + e.getMessage(), e);
        }
        double rescale = c.getDouble("rescale_factor", 1 / 255.0);
        return new ClipImageProcessor(shortest, cropH, cropW, filter, rescale,
                floats(c, "image_mean", CLIP_MEAN), floats(c, "image_std", CLIP_STD));
    }

    /** {@code size}/{@code crop_size} are either an int or an object ({@code shortest_edge}, {@code height}...). */
    private static int sizeValue(ConfigJson c, String name, String key, int fallback) {
        JsonElement e = c.get(name);
        if (e == null || e.isJsonPrimitive()) {
            return c.getInt(name, fallback);
        }
        return ConfigJson.of(e.getAsJsonObject(), c.source()).positiveInt(key, fallback);
    }

    private static float[] floats(ConfigJson c, String key, float[] fallback) {
        JsonElement e = c.get(key);
        if (e == null) {
            return fallback;
        }
        JsonArray a = e.getAsJsonArray();
        if (a.size() != 3) {
            throw new CheckpointException(c.source() + ": " + key + " needs 3 values, got " + a.size());
        }
        return new float[]{a.get(0).getAsFloat(), a.get(1).getAsFloat(), a.get(2).getAsFloat()};
    }

    /** The resized and cropped 8-bit image, before rescaling and normalising. */
    public RgbImage resizeAndCrop(RgbImage image) {
        int w = image.width();
        int h = image.height();
        // transformers' get_resize_output_image_size: the short side becomes shortestEdge, the long
        // side int(shortestEdge * long / short), truncated.
        int newW;
        int newH;
        if (w <= h) {
            newW = shortestEdge;
            newH = (int) ((long) shortestEdge * h / w);
        } else {
            newH = shortestEdge;
            newW = (int) ((long) shortestEdge * w / h);
        }
        RgbImage resized = newW == w && newH == h ? image : Resampler.resize(image, newW, newH, filter);
        if (newW < cropWidth || newH < cropHeight) {
            throw new IllegalStateException("resized image " + newW + "x" + newH + " is smaller than the crop "
                    + cropWidth + "x" + cropHeight);
        }
        return resized.crop((newW - cropWidth) / 2, (newH - cropHeight) / 2, cropWidth, cropHeight);
    }

    /** @return (B, 3, cropHeight, cropWidth) float32 pixel values in {@code manager} */
    public NDArray pixelValues(List<RgbImage> images, NDManager manager) {
        int plane = cropHeight * cropWidth;
        float[] out = new float[images.size() * 3 * plane];
        for (int b = 0; b < images.size(); b++) {
            byte[] px = resizeAndCrop(images.get(b)).pixels();
            for (int c = 0; c < 3; c++) {
                int base = (b * 3 + c) * plane;
                for (int i = 0; i < plane; i++) {
                    // rescale in float64 then cast, normalise in float32, as transformers does
                    float v = (float) ((px[3 * i + c] & 0xff) * rescaleFactor);
                    out[base + i] = (v - mean[c]) / std[c];
                }
            }
        }
        return manager.create(out, new Shape(images.size(), 3, cropHeight, cropWidth));
    }
}
