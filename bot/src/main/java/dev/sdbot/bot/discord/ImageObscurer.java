package dev.sdbot.bot.discord;

import javax.imageio.ImageIO;
import java.awt.Graphics2D;
import java.awt.Image;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Makes an image unrecognisable: averaged down to a few pixels on its long side, then scaled back up with
 * hard block edges. Only colour patches survive; the output is a new PNG without the original's text chunks.
 */
public final class ImageObscurer {
    /** Long side of what is left of a posted result that did not pass. */
    public static final int RESULT_PIXELS = 16;
    /** Long side of what is left of a progress preview in an ordinary channel. */
    public static final int PREVIEW_PIXELS = 8;

    private ImageObscurer() {
    }

    /** The image reduced to at most {@code pixels} on its long side and shown at its original size. */
    public static byte[] pixelate(byte[] png, int pixels) {
        try {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
            if (image == null) {
                throw new IllegalArgumentException("not an image");
            }
            int width = image.getWidth();
            int height = image.getHeight();
            double scale = (double) pixels / Math.max(width, height);
            int smallWidth = Math.max(1, (int) Math.round(width * Math.min(1, scale)));
            int smallHeight = Math.max(1, (int) Math.round(height * Math.min(1, scale)));
            BufferedImage small = averaged(image, smallWidth, smallHeight);
            BufferedImage large = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = large.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
            g.drawImage(small, 0, 0, width, height, null);
            g.dispose();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(large, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Each target pixel is the mean of the source pixels it covers (no detail leaks through sampling). */
    private static BufferedImage averaged(BufferedImage image, int width, int height) {
        BufferedImage small = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = small.createGraphics();
        g.drawImage(image.getScaledInstance(width, height, Image.SCALE_AREA_AVERAGING), 0, 0, null);
        g.dispose();
        return small;
    }
}
