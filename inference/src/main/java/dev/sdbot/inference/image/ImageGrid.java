package dev.sdbot.inference.image;

import java.util.List;

/** Several images of one request in one picture, laid out as A1111 does. */
public final class ImageGrid {
    private ImageGrid() {
    }

    /**
     * {@code round(sqrt(n))} rows, as many columns as needed, left to right then top to bottom; cells
     * have the size of the largest image, unused area is black.
     */
    public static RgbImage compose(List<RgbImage> images) {
        if (images.isEmpty()) {
            throw new IllegalArgumentException("no images to put in a grid");
        }
        int n = images.size();
        int rows = Math.min(n, (int) Math.round(Math.sqrt(n)));
        int cols = (n + rows - 1) / rows;
        int cellW = images.stream().mapToInt(RgbImage::width).max().orElseThrow();
        int cellH = images.stream().mapToInt(RgbImage::height).max().orElseThrow();
        int width = cols * cellW;
        byte[] out = new byte[width * rows * cellH * 3];
        for (int i = 0; i < n; i++) {
            RgbImage image = images.get(i);
            int x0 = (i % cols) * cellW;
            int y0 = (i / cols) * cellH;
            for (int y = 0; y < image.height(); y++) {
                System.arraycopy(image.pixels(), y * image.width() * 3, out, ((y0 + y) * width + x0) * 3,
                        image.width() * 3);
            }
        }
        return new RgbImage(width, rows * cellH, out);
    }
}
