package dev.sdbot.bot.discord;

import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class ImageObscurerTest {

    @Test
    void aDetailedImageBecomesUniformBlocksAtItsOriginalSize() throws IOException {
        byte[] original = noise(96, 96, 7);
        byte[] pixelated = ImageObscurer.pixelate(original, ImageObscurer.RESULT_PIXELS);

        BufferedImage out = ImageIO.read(new ByteArrayInputStream(pixelated));
        assertThat(out.getWidth()).isEqualTo(96);
        assertThat(out.getHeight()).isEqualTo(96);
        assertThat(distinctBlocks(out)).as("16 x 16 blocks at most").isLessThanOrEqualTo(16 * 16);
        int block = 96 / 16;
        for (int y = 0; y < 96; y++) {
            for (int x = 0; x < 96; x++) {
                assertThat(out.getRGB(x, y)).as("pixel %d,%d equals its block's corner", x, y)
                        .isEqualTo(out.getRGB(x / block * block, y / block * block));
            }
        }
        assertThat(pixelated).isNotEqualTo(original);
    }

    @Test
    void blocksKeepTheMeanColourOfWhatTheyCover() throws IOException {
        BufferedImage half = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                half.setRGB(x, y, (x + y) % 2 == 0 ? 0xFFFFFF : 0x000000); // a checkerboard of single pixels
            }
        }
        BufferedImage out = ImageIO.read(new ByteArrayInputStream(ImageObscurer.pixelate(png(half), ImageObscurer.PREVIEW_PIXELS)));
        int grey = out.getRGB(5, 5) & 0xFF;
        assertThat(grey).as("fine detail averages to grey, it is not sampled").isBetween(120, 135);
    }

    static int distinctBlocks(BufferedImage image) {
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                colours.add(image.getRGB(x, y));
            }
        }
        return colours.size();
    }

    private static byte[] noise(int width, int height, long seed) throws IOException {
        Random random = new Random(seed);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, random.nextInt(0x1000000));
            }
        }
        return png(image);
    }

    private static byte[] png(BufferedImage image) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }
}
