package dev.sdbot.bot.features.imagine;

import dev.sdbot.inference.image.GrayImage;
import dev.sdbot.inference.image.ImageCodec;
import dev.sdbot.inference.image.RgbImage;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class OutpaintTest {
    @Test
    void zoomCentresTheSourceOnACanvasOfSidesRoundedUpTo64() {
        assertThat(Outpaint.ZOOM_OUT_2.canvas(512, 512)).isEqualTo(new Outpaint.Canvas(1024, 1024, 256, 256));
        assertThat(Outpaint.ZOOM_OUT_1_5.canvas(512, 512)).isEqualTo(new Outpaint.Canvas(768, 768, 128, 128));
        // 832 x 1.5 = 1248 -> 1280; (1280 - 832) / 2 = 224; 1216 x 1.5 = 1824 -> 1856, offset 320
        assertThat(Outpaint.ZOOM_OUT_1_5.canvas(832, 1216)).isEqualTo(new Outpaint.Canvas(1280, 1856, 224, 320));
        // offsets stay on the 8-pixel latent grid: 64 x 1.5 = 96 -> 128, offset 32
        assertThat(Outpaint.ZOOM_OUT_1_5.canvas(64, 64)).isEqualTo(new Outpaint.Canvas(128, 128, 32, 32));
        assertThat(Outpaint.ZOOM_OUT_2.canvas(520, 512)).isEqualTo(new Outpaint.Canvas(1088, 1024, 280, 256));
    }

    @Test
    void panExtendsOneSideByHalfItsLengthRoundedUpTo64() {
        assertThat(Outpaint.PAN_LEFT.canvas(512, 768)).isEqualTo(new Outpaint.Canvas(768, 768, 256, 0));
        assertThat(Outpaint.PAN_RIGHT.canvas(512, 768)).isEqualTo(new Outpaint.Canvas(768, 768, 0, 0));
        assertThat(Outpaint.PAN_UP.canvas(512, 768)).isEqualTo(new Outpaint.Canvas(512, 1152, 0, 384));
        assertThat(Outpaint.PAN_DOWN.canvas(512, 768)).isEqualTo(new Outpaint.Canvas(512, 1152, 0, 0));
        assertThat(Outpaint.PAN_LEFT.canvas(840, 64)).isEqualTo(new Outpaint.Canvas(1288, 64, 448, 0));
    }

    @Test
    void initImageHoldsTheSourceAndItsEdgesAndTheMaskRepaintsAllElse() throws Exception {
        byte[] px = new byte[8 * 8 * 3];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) (i * 7);
        }
        RgbImage source = new RgbImage(8, 8, px);
        Outpaint.Canvas canvas = new Outpaint.Canvas(24, 16, 8, 0);
        RgbImage init = ImageCodec.decode(Outpaint.initImage(source, canvas));
        GrayImage mask = ImageCodec.decodeMask(Outpaint.mask(8, 8, canvas));
        assertThat(init.crop(8, 0, 8, 8).pixels()).isEqualTo(source.pixels());
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 24; x++) {
                boolean inside = x >= 8 && x < 16 && y < 8;
                assertThat(mask.sample(x, y)).as("mask at (%d, %d)", x, y).isEqualTo(inside ? 0 : 255);
                int sx = Math.min(Math.max(x - 8, 0), 7);
                int sy = Math.min(y, 7);
                assertThat(init.sample(x, y, 1)).isEqualTo(source.sample(sx, sy, 1));
            }
        }
    }
}
