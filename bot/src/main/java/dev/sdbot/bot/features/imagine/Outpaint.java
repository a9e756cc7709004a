package dev.sdbot.bot.features.imagine;

import dev.sdbot.inference.image.ImageCodec;
import dev.sdbot.inference.image.RgbImage;

import java.util.Arrays;

/**
 * Midjourney's Zoom out and Pan as canvas geometry: where the source image sits on a larger canvas, and the init image
 * and mask of the inpainting request that fills the rest. Sides grow in steps of 64 pixels (SD's usual size rule, and
 * whole latent cells, so the mask's edge falls between latent cells); the source is placed at a multiple of 8.
 * <ul>
 *     <li>Zoom out 1.5x / 2x: each side times the factor, rounded up to a multiple of 64, the source centred.</li>
 *     <li>Pan: one side extended by half its length rounded up to a multiple of 64 (512 → 768), the source kept
 *     against the opposite edge. Midjourney extends by a similar share; half keeps enough of the source in view for
 *     the new part to continue it.</li>
 * </ul>
 */
enum Outpaint {
    ZOOM_OUT_1_5("zoom15", "Zoom out 1.5×", "🔍", 1.5, 0, 0),
    ZOOM_OUT_2("zoom2", "Zoom out 2×", "🔍", 2, 0, 0),
    PAN_LEFT("panleft", "Pan left", "⬅️", 1, -1, 0),
    PAN_RIGHT("panright", "Pan right", "➡️", 1, 1, 0),
    PAN_UP("panup", "Pan up", "⬆️", 1, 0, -1),
    PAN_DOWN("pandown", "Pan down", "⬇️", 1, 0, 1);

    private static final int SIDE_STEP = 64;
    private static final int OFFSET_STEP = 8;

    private final String action;
    private final String label;
    private final String emoji;
    private final double zoom;
    private final int dx;
    private final int dy;

    Outpaint(String action, String label, String emoji, double zoom, int dx, int dy) {
        this.action = action;
        this.label = label;
        this.emoji = emoji;
        this.zoom = zoom;
        this.dx = dx;
        this.dy = dy;
    }

    /** The button's action in its custom id, {@code job:<id>:<action>}. */
    String action() {
        return action;
    }

    String label() {
        return label;
    }

    String emoji() {
        return emoji;
    }

    /** The new canvas and where the source's top-left corner goes on it. */
    record Canvas(int width, int height, int x, int y) {
    }

    Canvas canvas(int width, int height) {
        if (zoom > 1) {
            int w = roundUp(width * zoom);
            int h = roundUp(height * zoom);
            return new Canvas(w, h, (w - width) / 2 / OFFSET_STEP * OFFSET_STEP,
                    (h - height) / 2 / OFFSET_STEP * OFFSET_STEP);
        }
        int extendX = dx == 0 ? 0 : roundUp(width / 2.0);
        int extendY = dy == 0 ? 0 : roundUp(height / 2.0);
        return new Canvas(width + extendX, height + extendY, dx < 0 ? extendX : 0, dy < 0 ? extendY : 0);
    }

    private static int roundUp(double side) {
        return (int) Math.ceil(side / SIDE_STEP) * SIDE_STEP;
    }

    /**
     * The init image: the source on the canvas, the new area filled with the source's nearest edge pixel (so the VAE
     * sees plausible colours at the seam; the new area itself starts from noise).
     */
    static byte[] initImage(RgbImage source, Canvas canvas) {
        byte[] px = new byte[canvas.width() * canvas.height() * 3];
        for (int y = 0; y < canvas.height(); y++) {
            int sy = Math.min(Math.max(y - canvas.y(), 0), source.height() - 1);
            for (int x = 0; x < canvas.width(); x++) {
                int sx = Math.min(Math.max(x - canvas.x(), 0), source.width() - 1);
                System.arraycopy(source.pixels(), (sy * source.width() + sx) * 3, px, (y * canvas.width() + x) * 3, 3);
            }
        }
        return ImageCodec.encodePng(new RgbImage(canvas.width(), canvas.height(), px));
    }

    /** The mask: white (repaint) everywhere but the source's rectangle, which stays black (kept exactly). */
    static byte[] mask(int sourceWidth, int sourceHeight, Canvas canvas) {
        byte[] px = new byte[canvas.width() * canvas.height() * 3];
        Arrays.fill(px, (byte) 255);
        for (int y = canvas.y(); y < canvas.y() + sourceHeight; y++) {
            Arrays.fill(px, (y * canvas.width() + canvas.x()) * 3,
                    (y * canvas.width() + canvas.x() + sourceWidth) * 3, (byte) 0);
        }
        return ImageCodec.encodePng(new RgbImage(canvas.width(), canvas.height(), px));
    }
}
