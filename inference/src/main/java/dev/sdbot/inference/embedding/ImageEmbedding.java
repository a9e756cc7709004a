package dev.sdbot.inference.embedding;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.sdbot.inference.api.InvalidRequestException;
import dev.sdbot.inference.image.ImageCodec;
import dev.sdbot.inference.image.PngText;
import dev.sdbot.inference.image.RgbImage;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A1111's image embeddings ({@code .png}, {@code .webp}), read as its {@code EmbeddingDatabase.load_from_file} does:
 * the base64 JSON of the PNG text chunk {@code sd-ti-embedding} when there is one, else the zlib'd JSON hidden in the
 * low nibbles of two pixel blocks left and right of the picture ({@code extract_image_data_embed}: cropped of its
 * black border, split at the black columns, each block XORed with A1111's LCG stream). The JSON is A1111's
 * {@code Embedding.save} dict with tensors as {@code {"TORCHTENSOR": [[...]]}}; its {@code string_to_param} holds the
 * vectors. Empty when the image holds neither (A1111 takes it for a preview picture).
 */
final class ImageEmbedding {
    static final String TEXT_KEY = "sd-ti-embedding";
    /** An embedding's JSON is a few MB at most (75 x 1280 floats); bounds what a crafted zlib stream may inflate to. */
    private static final int MAX_JSON_BYTES = 32 << 20;

    private ImageEmbedding() {
    }

    /** Whether A1111 reads a file of this name as an image embedding (its previews, NAME.preview.png, it skips). */
    static boolean isImageName(String file) {
        String lower = file.toLowerCase(Locale.ROOT);
        return (lower.endsWith(".png") || lower.endsWith(".webp"))
                && !lower.substring(0, lower.lastIndexOf('.')).endsWith(".preview");
    }

    /**
     * The vectors of {@code string_to_param}, or empty when the image carries no embedding.
     *
     * @throws IllegalArgumentException when it carries one that cannot be read (bad base64, JSON or tensor)
     */
    static Optional<float[][]> read(byte[] image) throws InvalidRequestException {
        String json = null;
        if (image.length > 8 && image[1] == 'P' && image[2] == 'N' && image[3] == 'G') {
            String chunk = PngText.read(image).get(TEXT_KEY);
            if (chunk != null) {
                json = new String(Base64.getMimeDecoder().decode(chunk.trim()), StandardCharsets.UTF_8);
            }
        }
        if (json == null) {
            json = pixelData(ImageCodec.decode(image)).orElse(null);
        }
        return json == null ? Optional.empty() : Optional.of(vectors(json));
    }

    private static float[][] vectors(String json) {
        try {
            JsonObject data = JsonParser.parseString(json).getAsJsonObject();
            JsonObject params = data.getAsJsonObject("string_to_param");
            if (params == null || params.size() != 1) {
                throw new IllegalArgumentException("its string_to_param holds "
                        + (params == null ? "nothing" : params.size() + " terms") + ", A1111 reads one");
            }
            JsonElement tensor = params.entrySet().iterator().next().getValue().getAsJsonObject().get("TORCHTENSOR");
            JsonArray rows = tensor.getAsJsonArray();
            if (!rows.isEmpty() && rows.get(0).isJsonPrimitive()) {
                JsonArray one = new JsonArray();
                one.add(rows);
                rows = one; // a 1-D tensor is one vector
            }
            float[][] out = new float[rows.size()][];
            for (int r = 0; r < out.length; r++) {
                JsonArray row = rows.get(r).getAsJsonArray();
                out[r] = new float[row.size()];
                for (int c = 0; c < out[r].length; c++) {
                    out[r][c] = row.get(c).getAsFloat();
                }
                if (out[r].length != out[0].length || out[r].length == 0) {
                    throw new IllegalArgumentException("its vectors are not all of one width");
                }
            }
            return out;
        } catch (JsonParseException | IllegalStateException | ClassCastException | NullPointerException
                 | UnsupportedOperationException | NumberFormatException e) {
            throw new IllegalArgumentException("its embedding data is not A1111's: " + e.getMessage(), e);
        }
    }

    /** A1111's {@code extract_image_data_embed}: the JSON, or empty when the pixels hold no data blocks. */
    private static Optional<String> pixelData(RgbImage image) {
        int w = image.width();
        byte[] px = image.pixels();
        // crop_black: the bounding box of pixels whose three channels are all > 0
        int top = Integer.MAX_VALUE;
        int bottom = -1;
        int left = Integer.MAX_VALUE;
        int right = -1;
        for (int y = 0; y < image.height(); y++) {
            for (int x = 0; x < w; x++) {
                int o = 3 * (y * w + x);
                if (px[o] != 0 && px[o + 1] != 0 && px[o + 2] != 0) {
                    top = Math.min(top, y);
                    bottom = Math.max(bottom, y);
                    left = Math.min(left, x);
                    right = Math.max(right, x);
                }
            }
        }
        if (bottom < 0) {
            return Optional.empty();
        }
        int h = bottom - top + 1;
        int cw = right - left + 1;
        // columns whose low nibbles are all zero separate the blocks from the picture
        int firstBlack = -1;
        int lastBlack = -1;
        int blackCount = 0;
        for (int x = 0; x < cw; x++) {
            boolean black = true;
            for (int y = 0; y < h && black; y++) {
                int o = 3 * ((top + y) * w + left + x);
                black = (px[o] & 0x0f) == 0 && (px[o + 1] & 0x0f) == 0 && (px[o + 2] & 0x0f) == 0;
            }
            if (black) {
                firstBlack = firstBlack < 0 ? x : firstBlack;
                lastBlack = x;
                blackCount++;
            }
        }
        int lowWidth = firstBlack;
        int highWidth = cw - lastBlack - 1;
        if (blackCount < 2 || lowWidth != highWidth || lowWidth == 0) {
            return Optional.empty(); // numpy would fail to combine blocks of different widths: no data
        }
        byte[] low = nibbles(px, w, top, h, left, lowWidth);
        byte[] high = nibbles(px, w, top, h, left + lastBlack + 1, highWidth);
        byte[] data = new byte[low.length];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) ((high[i] << 4) | low[i]);
        }
        return inflate(data);
    }

    /** A block's low nibbles in row-major (y, x, channel) order, XORed with A1111's LCG stream (xor_block). */
    private static byte[] nibbles(byte[] px, int w, int top, int h, int x0, int bw) {
        byte[] out = new byte[h * bw * 3];
        long seed = 0;
        int i = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < bw; x++) {
                for (int c = 0; c < 3; c++) {
                    seed = (1664525L * seed + 1013904223L) % (1L << 32);
                    out[i++] = (byte) ((px[3 * ((top + y) * w + x0 + x) + c] & 0x0f) ^ (seed % 255 & 0x0f));
                }
            }
        }
        return out;
    }

    /** zlib's decompress: the stream up to its end, the padding after it ignored; empty when it is no zlib stream. */
    private static Optional<String> inflate(byte[] data) {
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(data);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[1 << 16];
            while (!inflater.finished()) {
                int n = inflater.inflate(buffer);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    return Optional.empty();
                }
                out.write(buffer, 0, n);
                if (out.size() > MAX_JSON_BYTES) {
                    throw new IllegalArgumentException("its hidden data inflates past " + (MAX_JSON_BYTES >> 20) + " MiB");
                }
            }
            return Optional.of(out.toString(StandardCharsets.UTF_8));
        } catch (DataFormatException e) {
            return Optional.empty();
        } finally {
            inflater.end();
        }
    }
}
