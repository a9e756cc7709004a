package dev.sdbot.bot.discord;

import javax.imageio.ImageIO;
import java.awt.Image;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.zip.CRC32;

/** PNG helpers: read and write tEXt chunks, shrink an image until it fits an upload limit. */
public final class PngImages {
    public static final String PARAMETERS = "parameters";
    private static final int SIGNATURE_LENGTH = 8;

    private PngImages() {
    }

    /** The text of the first tEXt chunk with this keyword. */
    public static Optional<String> text(byte[] png, String keyword) {
        ByteBuffer buf = ByteBuffer.wrap(png);
        int pos = SIGNATURE_LENGTH;
        while (pos + 8 <= png.length) {
            int length = buf.getInt(pos);
            String type = new String(png, pos + 4, 4, StandardCharsets.ISO_8859_1);
            if (type.equals("tEXt")) {
                byte[] data = Arrays.copyOfRange(png, pos + 8, pos + 8 + length);
                int nul = indexOfNul(data);
                if (nul > 0 && new String(data, 0, nul, StandardCharsets.ISO_8859_1).equals(keyword)) {
                    return Optional.of(new String(data, nul + 1, data.length - nul - 1, StandardCharsets.ISO_8859_1));
                }
            }
            pos += 12 + length;
        }
        return Optional.empty();
    }

    /** The PNG with a tEXt chunk added right after IHDR. */
    public static byte[] withText(byte[] png, String keyword, String text) {
        byte[] data = (keyword + "\0" + text).getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer chunk = ByteBuffer.allocate(12 + data.length);
        chunk.putInt(data.length).put("tEXt".getBytes(StandardCharsets.ISO_8859_1)).put(data);
        CRC32 crc = new CRC32();
        crc.update(chunk.array(), 4, 4 + data.length);
        chunk.putInt((int) crc.getValue());
        int afterHeader = SIGNATURE_LENGTH + 12 + ByteBuffer.wrap(png).getInt(SIGNATURE_LENGTH);
        byte[] out = new byte[png.length + chunk.capacity()];
        System.arraycopy(png, 0, out, 0, afterHeader);
        System.arraycopy(chunk.array(), 0, out, afterHeader, chunk.capacity());
        System.arraycopy(png, afterHeader, out, afterHeader + chunk.capacity(), png.length - afterHeader);
        return out;
    }

    /**
     * The PNG itself when it is at most {@code maxBytes}, else downscaled until it is, keeping its
     * parameters text.
     */
    public static byte[] fit(byte[] png, long maxBytes) {
        if (png.length <= maxBytes) {
            return png;
        }
        try {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
            Optional<String> parameters = text(png, PARAMETERS);
            byte[] out = png;
            double scale = Math.sqrt((double) maxBytes / png.length) * 0.9;
            while (out.length > maxBytes && scale > 0.01) {
                int w = Math.max(1, (int) (image.getWidth() * scale));
                int h = Math.max(1, (int) (image.getHeight() * scale));
                BufferedImage scaled = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
                scaled.getGraphics().drawImage(image.getScaledInstance(w, h, Image.SCALE_SMOOTH), 0, 0, null);
                ByteArrayOutputStream encoded = new ByteArrayOutputStream();
                ImageIO.write(scaled, "png", encoded);
                out = encoded.toByteArray();
                if (parameters.isPresent()) {
                    out = withText(out, PARAMETERS, parameters.get());
                }
                scale *= 0.75;
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A PNG of the image (PNG, JPEG, WebP...) scaled to at most {@code maxSide} pixels a side, without any text
     * chunk; empty when the bytes are not an image ImageIO reads.
     */
    public static Optional<byte[]> thumbnail(byte[] image, int maxSide) {
        try {
            BufferedImage source = ImageIO.read(new ByteArrayInputStream(image));
            if (source == null) {
                return Optional.empty();
            }
            double scale = Math.min(1, (double) maxSide / Math.max(source.getWidth(), source.getHeight()));
            int w = Math.max(1, (int) Math.round(source.getWidth() * scale));
            int h = Math.max(1, (int) Math.round(source.getHeight() * scale));
            BufferedImage scaled = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            scaled.getGraphics().drawImage(source.getScaledInstance(w, h, Image.SCALE_SMOOTH), 0, 0, null);
            ByteArrayOutputStream encoded = new ByteArrayOutputStream();
            ImageIO.write(scaled, "png", encoded);
            return Optional.of(encoded.toByteArray());
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static int indexOfNul(byte[] data) {
        for (int i = 0; i < data.length; i++) {
            if (data[i] == 0) {
                return i;
            }
        }
        return -1;
    }
}
