package dev.sdbot.inference.image;

import dev.sdbot.inference.api.InvalidRequestException;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImageCodecTest {

    static RgbImage gradient(int w, int h) {
        byte[] px = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int o = (y * w + x) * 3;
                px[o] = (byte) (x * 255 / Math.max(1, w - 1));
                px[o + 1] = (byte) (y * 255 / Math.max(1, h - 1));
                px[o + 2] = (byte) ((x + y) % 256);
            }
        }
        return new RgbImage(w, h, px);
    }

    private static byte[] write(BufferedImage image, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(ImageIO.write(image, format, out)).isTrue();
        return out.toByteArray();
    }

    @Test
    void pngRoundTripIsLossless() throws Exception {
        RgbImage image = gradient(37, 21);
        RgbImage back = ImageCodec.decode(ImageCodec.encodePng(image));
        assertThat(back.width()).isEqualTo(37);
        assertThat(back.height()).isEqualTo(21);
        assertThat(back.pixels()).isEqualTo(image.pixels());
    }

    @Test
    void decodesJpeg() throws Exception {
        BufferedImage rgb = new BufferedImage(16, 8, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 16; x++) {
                rgb.setRGB(x, y, 0x4080c0);
            }
        }
        RgbImage image = ImageCodec.decode(write(rgb, "jpg"));
        assertThat(image.width()).isEqualTo(16);
        assertThat(image.sample(3, 3, 0)).isBetween(0x40 - 3, 0x40 + 3);
        assertThat(image.sample(3, 3, 2)).isBetween(0xc0 - 3, 0xc0 + 3);
    }

    @Test
    void grayPngKeepsItsLevels() throws Exception {
        BufferedImage gray = new BufferedImage(4, 1, BufferedImage.TYPE_BYTE_GRAY);
        gray.getRaster().setSamples(0, 0, 4, 1, 0, new int[]{0, 64, 128, 255});
        byte[] png = write(gray, "png");
        assertThat(ImageCodec.decode(png).sample(1, 0, 0)).isEqualTo(64);
        assertThat(ImageCodec.decode(png).sample(2, 0, 1)).isEqualTo(128);
        assertThat(ImageCodec.decodeMask(png).pixels()).containsExactly(0, 64, (byte) 128, (byte) 255);
    }

    @Test
    void transparencyIsWhiteForImagesAndBlackForMasks() throws Exception {
        BufferedImage argb = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
        argb.setRGB(0, 0, 0x00ff0000); // fully transparent red
        argb.setRGB(1, 0, 0xffffffff); // opaque white
        byte[] png = write(argb, "png");
        RgbImage image = ImageCodec.decode(png);
        assertThat(image.sample(0, 0, 0)).isEqualTo(255);
        assertThat(image.sample(0, 0, 1)).isEqualTo(255);
        GrayImage mask = ImageCodec.decodeMask(png);
        assertThat(mask.sample(0, 0)).isZero();
        assertThat(mask.sample(1, 0)).isEqualTo(255);
    }

    @Test
    void nonImagesAreClearErrors() {
        assertThatThrownBy(() -> ImageCodec.decode(new byte[0]))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> ImageCodec.decode("hello, this is text".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("not a supported image");
        byte[] webp = "RIFF\0\0\0\0WEBPVP8 ".getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> ImageCodec.decode(webp))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("WEBP");
    }

    @Test
    void truncatedPngIsAClearError() {
        byte[] png = ImageCodec.encodePng(gradient(64, 64));
        byte[] truncated = java.util.Arrays.copyOf(png, png.length / 2);
        assertThatThrownBy(() -> ImageCodec.decode(truncated))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("PNG");
    }

    @Test
    void hugeImagesAreRejectedBeforeDecoding() {
        byte[] png = ImageCodec.encodePng(gradient(1, 1));
        // Rewrite the IHDR size to 20000x20000 (and its CRC): only the header is read.
        ByteBuffer b = ByteBuffer.wrap(png);
        b.putInt(16, 20000).putInt(20, 20000);
        CRC32 crc = new CRC32();
        crc.update(png, 12, 17);
        b.putInt(29, (int) crc.getValue());
        assertThatThrownBy(() -> ImageCodec.decode(png))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("too large");
    }

    @Test
    void webpIsReadLosslessExactlyAndLossyClosely() throws Exception {
        // made with cwebp (Debian's webp package) from the PNG of gradient(48, 32)
        byte[] lossless = resource("gradient-48x32-lossless.webp");
        assertThat(ImageCodec.inspect(lossless)).isEqualTo(new ImageCodec.ImageInfo("WEBP", 48, 32));
        RgbImage expected = gradient(48, 32);
        assertThat(ImageCodec.decode(lossless).pixels()).isEqualTo(expected.pixels());
        RgbImage lossy = ImageCodec.decode(resource("gradient-48x32-lossy.webp"));
        assertThat(lossy.width()).isEqualTo(48);
        assertThat(lossy.height()).isEqualTo(32);
        // quality 80 on a smooth gradient: every sample within a coarse bound of the original
        for (int i = 0; i < expected.pixels().length; i++) {
            assertThat(Math.abs((lossy.pixels()[i] & 0xff) - (expected.pixels()[i] & 0xff))).isLessThanOrEqualTo(48);
        }
    }

    @Test
    void inspectReadsOnlyTheHeader() throws Exception {
        byte[] png = ImageCodec.encodePng(gradient(1, 1));
        ByteBuffer b = ByteBuffer.wrap(png);
        b.putInt(16, 4096).putInt(20, 4096);
        CRC32 crc = new CRC32();
        crc.update(png, 12, 17);
        b.putInt(29, (int) crc.getValue());
        // the pixel data is that of a 1x1 image: inspecting the 4096x4096 header does not decode it
        assertThat(ImageCodec.inspect(png)).isEqualTo(new ImageCodec.ImageInfo("PNG", 4096, 4096));
        b.putInt(16, 4097);
        crc.reset();
        crc.update(png, 12, 17);
        b.putInt(29, (int) crc.getValue());
        ImageCodec.ImageInfo tooLarge = ImageCodec.inspect(png);
        assertThat(tooLarge).isEqualTo(new ImageCodec.ImageInfo("PNG", 4097, 4096));
        assertThatThrownBy(() -> ImageCodec.checkPixels(tooLarge)).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("4097x4096 (16.8 MP)").hasMessageContaining("at most 16.8 MP");
        assertThatThrownBy(() -> ImageCodec.decode(png)).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("too large: 4097x4096");
    }

    private static byte[] resource(String name) throws IOException {
        try (var in = ImageCodecTest.class.getResourceAsStream("/images/" + name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        }
    }
}
