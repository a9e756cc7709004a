package dev.sdbot.inference.image;

import dev.sdbot.inference.api.InvalidRequestException;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;

/**
 * Decoding user images (javax.imageio: PNG, JPEG, GIF, BMP, and WebP through the TwelveMonkeys plugin)
 * and encoding PNGs with text chunks.
 */
public final class ImageCodec {
    /** Largest accepted input (pixels): big enough for any sane upload, small enough to decode safely. */
    private static final int MAX_SIDE = 4096;
    public static final long MAX_INPUT_PIXELS = (long) MAX_SIDE * MAX_SIDE;

    private ImageCodec() {
    }

    /**
     * Decodes an image to RGB. Transparency is flattened onto white, as A1111 does for img2img input.
     *
     * @throws InvalidRequestException when the bytes are not a decodable image or it is too large
     */
    public static RgbImage decode(byte[] data) throws InvalidRequestException {
        return toRgb(read(data), 255);
    }

    /**
     * Decodes a mask to gray levels (255 = repaint). Colour masks use their luma; transparent areas
     * count as black (keep), so white strokes on a transparent layer work as expected.
     */
    public static GrayImage decodeMask(byte[] data) throws InvalidRequestException {
        BufferedImage image = read(data);
        if (isGray(image) && !image.getColorModel().hasAlpha()) {
            return new GrayImage(image.getWidth(), image.getHeight(), graySamples(image.getRaster()));
        }
        return GrayImage.luma(toRgb(image, 0));
    }

    /** A user image's format and size, read from its header alone. */
    public record ImageInfo(String format, int width, int height) {
        public long pixels() {
            return (long) width * height;
        }
    }

    /**
     * Reads the format and size from the image's header without decoding its pixels, so a small file
     * that claims huge dimensions costs nothing. Does not apply the pixel limit: see {@link #checkPixels}.
     *
     * @throws InvalidRequestException when the bytes are no image ImageIO can read
     */
    public static ImageInfo inspect(byte[] data) throws InvalidRequestException {
        return withReader(data, false, (reader, info) -> info);
    }

    /** Refuses an image over {@link #MAX_INPUT_PIXELS}, saying its size. */
    public static void checkPixels(ImageInfo image) throws InvalidRequestException {
        if (image.pixels() > MAX_INPUT_PIXELS) {
            throw new InvalidRequestException(String.format(java.util.Locale.ROOT,
                    "the image is too large: %dx%d (%.1f MP); at most %.1f MP (%dx%d) is accepted", image.width(),
                    image.height(), image.pixels() / 1e6, MAX_INPUT_PIXELS / 1e6, MAX_SIDE, MAX_SIDE));
        }
    }

    static BufferedImage read(byte[] data) throws InvalidRequestException {
        return withReader(data, true, (reader, info) -> reader.read(0));
    }

    private interface ReaderAction<T> {
        T apply(ImageReader reader, ImageInfo header) throws IOException;
    }

    /** Runs the action on a reader of the image after its header was read (and, if asked, passed the limit). */
    private static <T> T withReader(byte[] data, boolean limitPixels, ReaderAction<T> action)
            throws InvalidRequestException {
        if (data == null || data.length == 0) {
            throw new InvalidRequestException("the image is empty");
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(data))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new InvalidRequestException(unsupportedMessage(data));
            }
            ImageReader reader = readers.next();
            String format = reader.getFormatName().toUpperCase(java.util.Locale.ROOT);
            try {
                reader.setInput(in, true, true);
                ImageInfo header = new ImageInfo(format, reader.getWidth(0), reader.getHeight(0));
                if (limitPixels) {
                    checkPixels(header);
                }
                return action.apply(reader, header);
            } catch (IOException | RuntimeException e) {
                throw new InvalidRequestException("cannot decode the " + format + " image: " + e.getMessage(), e);
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            throw new InvalidRequestException("cannot read the image: " + e.getMessage(), e);
        }
    }

    private static String unsupportedMessage(byte[] data) {
        if (data.length >= 12 && new String(data, 0, 4, StandardCharsets.ISO_8859_1).equals("RIFF")
                && new String(data, 8, 4, StandardCharsets.ISO_8859_1).equals("WEBP")) {
            return "this WebP image could not be read; send a PNG or JPEG";
        }
        return "not a supported image (expected PNG, JPEG or WebP)";
    }

    private static boolean isGray(BufferedImage image) {
        return image.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_GRAY;
    }

    /** RGB samples; alpha is composited onto the gray level {@code background}. */
    static RgbImage toRgb(BufferedImage image, int background) {
        int w = image.getWidth();
        int h = image.getHeight();
        byte[] out = new byte[w * h * 3];
        if (isGray(image)) {
            // Read gray samples directly: getRGB would convert the linear gray colour space.
            byte[] gray = graySamples(image.getRaster());
            int[] alpha = image.getColorModel().hasAlpha() ? alphaSamples(image.getRaster()) : null;
            for (int i = 0; i < w * h; i++) {
                int v = alpha == null ? gray[i] & 0xff : blend(gray[i] & 0xff, alpha[i], background);
                out[3 * i] = (byte) v;
                out[3 * i + 1] = (byte) v;
                out[3 * i + 2] = (byte) v;
            }
            return new RgbImage(w, h, out);
        }
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            image.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int argb = row[x];
                int a = argb >>> 24;
                int o = (y * w + x) * 3;
                out[o] = (byte) blend((argb >> 16) & 0xff, a, background);
                out[o + 1] = (byte) blend((argb >> 8) & 0xff, a, background);
                out[o + 2] = (byte) blend(argb & 0xff, a, background);
            }
        }
        return new RgbImage(w, h, out);
    }

    private static int blend(int value, int alpha, int background) {
        return alpha == 255 ? value : (value * alpha + background * (255 - alpha) + 127) / 255;
    }

    private static byte[] graySamples(Raster raster) {
        int w = raster.getWidth();
        int h = raster.getHeight();
        int[] samples = raster.getSamples(0, 0, w, h, 0, (int[]) null);
        boolean sixteenBit = raster.getSampleModel().getSampleSize(0) > 8
                || raster.getDataBuffer().getDataType() == DataBuffer.TYPE_USHORT;
        byte[] out = new byte[samples.length];
        for (int i = 0; i < samples.length; i++) {
            out[i] = (byte) (sixteenBit ? (samples[i] * 255 + 32767) / 65535 : samples[i]);
        }
        return out;
    }

    private static int[] alphaSamples(Raster raster) {
        int band = raster.getNumBands() - 1;
        int[] a = raster.getSamples(0, 0, raster.getWidth(), raster.getHeight(), band, (int[]) null);
        if (raster.getSampleModel().getSampleSize(band) > 8) {
            for (int i = 0; i < a.length; i++) {
                a[i] = (a[i] * 255 + 32767) / 65535;
            }
        }
        return a;
    }

    /** Encodes an RGB PNG carrying the given text chunks (see {@link PngText}). */
    public static byte[] encodePng(RgbImage image, Map<String, String> text) {
        int w = image.width();
        int h = image.height();
        BufferedImage buffered = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        byte[] bgr = ((java.awt.image.DataBufferByte) buffered.getRaster().getDataBuffer()).getData();
        byte[] rgb = image.pixels();
        for (int i = 0; i < w * h; i++) {
            bgr[3 * i] = rgb[3 * i + 2];
            bgr[3 * i + 1] = rgb[3 * i + 1];
            bgr[3 * i + 2] = rgb[3 * i];
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(buffered, "png", out)) {
                throw new IllegalStateException("no PNG writer available");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return PngText.insert(out.toByteArray(), text);
    }

    /** Encodes an RGB PNG with the A1111 {@code parameters} chunk. */
    public static byte[] encodePng(RgbImage image, GenerationParameters parameters) {
        return encodePng(image, Map.of(GenerationParameters.PNG_KEY, parameters.toInfotext()));
    }

    public static byte[] encodePng(RgbImage image) {
        return encodePng(image, Map.of());
    }
}
