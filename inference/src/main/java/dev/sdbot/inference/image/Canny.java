package dev.sdbot.inference.image;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * OpenCV's {@code cv2.Canny(image, low, high)} as A1111's ControlNet "canny" preprocessor calls it on the RGB image:
 * 3x3 Sobel per channel (border replicated, as OpenCV's Canny), at each pixel the channel with
 * the largest L1 magnitude {@code |dx| + |dy|}, non-maximum suppression along the gradient's 45° sector, then
 * hysteresis: edges above {@code high}, and pixels above {@code low} connected to them (8-neighbourhood).
 * White edges on black, as an RGB image (the extension's {@code HWC3}).
 */
public final class Canny {
    /** OpenCV's fixed-point sector test: tan(22.5°) in 15-bit fixed point. */
    private static final int SHIFT = 15;
    private static final long TG22 = (long) (0.4142135623730950488016887242097 * (1 << SHIFT) + 0.5);

    private Canny() {
    }

    public static RgbImage edges(RgbImage image, int low, int high) {
        int w = image.width();
        int h = image.height();
        int[] dx = new int[w * h];
        int[] dy = new int[w * h];
        int[] mag = new int[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int best = -1;
                for (int c = 0; c < 3; c++) {
                    int gx = px(image, x + 1, y - 1, c) + 2 * px(image, x + 1, y, c) + px(image, x + 1, y + 1, c)
                            - px(image, x - 1, y - 1, c) - 2 * px(image, x - 1, y, c) - px(image, x - 1, y + 1, c);
                    int gy = px(image, x - 1, y + 1, c) + 2 * px(image, x, y + 1, c) + px(image, x + 1, y + 1, c)
                            - px(image, x - 1, y - 1, c) - 2 * px(image, x, y - 1, c) - px(image, x + 1, y - 1, c);
                    int m = Math.abs(gx) + Math.abs(gy);
                    if (m > best) {
                        best = m;
                        dx[y * w + x] = gx;
                        dy[y * w + x] = gy;
                    }
                }
                mag[y * w + x] = best;
            }
        }
        byte[] state = new byte[w * h]; // 0 none, 1 weak, 2 strong
        Deque<Integer> strong = new ArrayDeque<>();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                int m = mag[i];
                if (m <= low || !isLocalMax(mag, dx[i], dy[i], x, y, w, h)) {
                    continue;
                }
                if (m > high) {
                    state[i] = 2;
                    strong.push(i);
                } else {
                    state[i] = 1;
                }
            }
        }
        while (!strong.isEmpty()) {
            int i = strong.pop();
            int x = i % w;
            int y = i / w;
            for (int ny = Math.max(0, y - 1); ny <= Math.min(h - 1, y + 1); ny++) {
                for (int nx = Math.max(0, x - 1); nx <= Math.min(w - 1, x + 1); nx++) {
                    int n = ny * w + nx;
                    if (state[n] == 1) {
                        state[n] = 2;
                        strong.push(n);
                    }
                }
            }
        }
        byte[] out = new byte[w * h * 3];
        for (int i = 0; i < w * h; i++) {
            byte v = state[i] == 2 ? (byte) 255 : 0;
            out[3 * i] = v;
            out[3 * i + 1] = v;
            out[3 * i + 2] = v;
        }
        return new RgbImage(w, h, out);
    }

    /** OpenCV's sectors: horizontal, vertical, or one of the diagonals; strictly greater on one side as OpenCV. */
    private static boolean isLocalMax(int[] mag, int gx, int gy, int x, int y, int w, int h) {
        int m = mag[y * w + x];
        long ax = Math.abs(gx);
        long ay = (long) Math.abs(gy) << SHIFT;
        long tg22x = ax * TG22;
        long tg67x = tg22x + (ax << (SHIFT + 1));
        if (ay < tg22x) {
            return m > at(mag, x - 1, y, w, h) && m >= at(mag, x + 1, y, w, h);
        }
        if (ay > tg67x) {
            return m > at(mag, x, y - 1, w, h) && m >= at(mag, x, y + 1, w, h);
        }
        int s = (gx ^ gy) < 0 ? -1 : 1;
        return m > at(mag, x - s, y - 1, w, h) && m > at(mag, x + s, y + 1, w, h);
    }

    private static int at(int[] mag, int x, int y, int w, int h) {
        return x < 0 || y < 0 || x >= w || y >= h ? 0 : mag[y * w + x];
    }

    /** BORDER_REPLICATE. */
    private static int px(RgbImage image, int x, int y, int c) {
        return image.sample(Math.max(0, Math.min(image.width() - 1, x)), Math.max(0, Math.min(image.height() - 1, y)), c);
    }
}
