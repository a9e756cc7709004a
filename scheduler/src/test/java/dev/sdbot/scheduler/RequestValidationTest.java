package dev.sdbot.scheduler;

import dev.sdbot.inference.api.ControlNetUnit;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.api.Sampler;
import dev.sdbot.inference.image.ImageCodec;
import dev.sdbot.inference.image.RgbImage;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.zip.CRC32;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The rules {@link JobService#validate} applies before anything is queued, beyond the plain bounds. */
class RequestValidationTest {
    private static byte[] png(int w, int h) {
        return ImageCodec.encodePng(new RgbImage(w, h, new byte[w * h * 3]));
    }

    /** A 1x1 PNG whose header claims {@code w x h}: only a header reader can look at it safely. */
    static byte[] claimedSize(int w, int h) {
        byte[] png = png(1, 1);
        ByteBuffer b = ByteBuffer.wrap(png);
        b.putInt(16, w).putInt(20, h);
        CRC32 crc = new CRC32();
        crc.update(png, 12, 17);
        b.putInt(29, (int) crc.getValue());
        return png;
    }

    private static GenerationRequest request(String prompt, int steps, byte[] image, double strength, byte[] mask) {
        return new GenerationRequest(prompt, "", "m", Sampler.EULER_A, steps, 7, 64, 64, null, 1, image, strength, mask, 1);
    }

    @Test
    void promptsWithoutWordsAreRefused() {
        assertThatThrownBy(() -> JobService.validate(request(" \t ", 4, null, 0.75, null))).hasMessage("the prompt is empty");
        assertThatThrownBy(() -> JobService.validate(request("?!... ---", 4, null, 0.75, null)))
                .hasMessage("the prompt has no words, only punctuation or symbols");
        assertThatCode(() -> JobService.validate(request("猫", 4, null, 0.75, null))).doesNotThrowAnyException();
        assertThatCode(() -> JobService.validate(request("42", 4, null, 0.75, null))).doesNotThrowAnyException();
    }

    @Test
    void andIsRefusedInThePromptOnly() {
        assertThatThrownBy(() -> JobService.validate(request("a cat AND a dog", 4, null, 0.75, null)))
                .hasMessageStartingWith("AND is not supported");
        assertThatCode(() -> JobService.validate(request("a cat and a dog, ANDROID", 4, null, 0.75, null)))
                .doesNotThrowAnyException();
        assertThatCode(() -> JobService.validate(new GenerationRequest("a cat", "ugly AND blurry", "m", Sampler.EULER_A,
                4, 7, 64, 64, null, 1, null, 0.75, null, 1))).doesNotThrowAnyException();
    }

    @Test
    void anyStrengthRunsAStepAsInA1111() {
        byte[] image = png(64, 64);
        // A1111 runs int(strength * steps) + 1 steps: 4 steps at 0.24 run one, which diffusers' rule refused
        assertThatCode(() -> JobService.validate(request("x", 4, image, 0.24, null))).doesNotThrowAnyException();
        assertThatThrownBy(() -> JobService.validate(request("x", 4, image, 1.5, null)))
                .hasMessageContaining("strength must be between 0 and 1");
        assertThatCode(() -> JobService.validate(request("x", 4, null, 0.0, null))).as("txt2img ignores strength")
                .doesNotThrowAnyException();
    }

    @Test
    void imagesAreCheckedFromTheirHeaders() {
        assertThatThrownBy(() -> JobService.validate(request("x", 4, claimedSize(20000, 20000), 0.75, null)))
                .hasMessage("image: the image is too large: 20000x20000 (400.0 MP); at most 16.8 MP (4096x4096) is accepted");
        assertThatThrownBy(() -> JobService.validate(request("x", 4, "not an image".getBytes(), 0.75, null)))
                .hasMessageContaining("image: not a supported image");
        assertThatThrownBy(() -> JobService.validate(request("x", 4, png(64, 64), 0.75, claimedSize(5000, 5000))))
                .hasMessageContaining("mask: the image is too large: 5000x5000");
        assertThatThrownBy(() -> JobService.validate(request("x", 4, png(64, 64), 0.75, png(64, 32))))
                .hasMessageContaining("the mask (64x32) does not match the init image (64x64)");
        assertThatCode(() -> JobService.validate(request("x", 4, png(64, 64), 0.75, png(128, 128))))
                .as("a scaled mask of the same aspect ratio").doesNotThrowAnyException();
        assertThatThrownBy(() -> JobService.validate(request("x", 4, null, 0.75, png(64, 64))))
                .hasMessageContaining("a mask needs an image");
    }

    @Test
    void controlNetUnitsAreValidatedWithTheRequest() {
        ControlNetUnit unit = ControlNetUnit.of("cn", png(64, 64), "canny");
        GenerationRequest txt2img = request("x", 4, null, 0.75, null);
        assertThatCode(() -> JobService.validate(txt2img.withControls(List.of(unit)))).doesNotThrowAnyException();
        assertThatThrownBy(() -> JobService.validate(request("x", 4, png(64, 64), 0.75, null).withControls(List.of(unit))))
                .hasMessage("ControlNet works with txt2img only (no init image, no hires fix)");
        assertThatThrownBy(() -> JobService.validate(txt2img.withControls(List.of(unit, unit, unit, unit))))
                .hasMessageContaining("at most 3 ControlNets per request, got 4");
        assertThatThrownBy(() -> JobService.validate(txt2img.withControls(List.of(unit, unit.withWeight(2.5)))))
                .hasMessage("ControlNet 1: control weight must be between 0 and 2, got 2.5");
        assertThatThrownBy(() -> JobService.validate(txt2img.withControls(List.of(unit.withGuidance(0.8, 0.2)))))
                .hasMessageContaining("control start/end must satisfy 0 <= start <= end <= 1");
        assertThatThrownBy(() -> JobService.validate(txt2img.withControls(List.of(
                ControlNetUnit.of("cn", "not an image".getBytes(), "none")))))
                .hasMessageStartingWith("the control image: not a supported image");
        assertThatThrownBy(() -> JobService.validate(txt2img.withControls(List.of(
                ControlNetUnit.of("cn", claimedSize(30000, 30000), "none")))))
                .hasMessageStartingWith("the control image: ").hasMessageContaining("30000x30000");
        assertThatThrownBy(() -> JobService.validate(txt2img.withControls(List.of(
                ControlNetUnit.of("cn", png(8, 8), "openpose")))))
                .hasMessage("unknown control preprocessor 'openpose': use none, canny or canny:LOW:HIGH");
    }

    @Test
    void cannyThresholdsAreTypedAsCannyLowHighAndCheckedWithTheRequest() {
        GenerationRequest txt2img = request("x", 4, null, 0.75, null);
        ControlNetUnit unit = ControlNetUnit.of("cn", png(64, 64), "none");
        assertThat(unit.withPreprocessor(" Canny:50:150 ")).satisfies(u -> {
            assertThat(u.preprocessor()).isEqualTo("canny");
            assertThat(u.cannyLow()).isEqualTo(50);
            assertThat(u.cannyHigh()).isEqualTo(150);
        });
        assertThat(unit.withPreprocessor("canny").cannyLow()).isEqualTo(ControlNetUnit.DEFAULT_CANNY_LOW);
        assertThatThrownBy(() -> JobService.validate(txt2img.withControls(List.of(
                unit.withPreprocessor("canny:200:100")))))
                .hasMessage("canny thresholds must satisfy 1 <= low <= high <= 255, got 200 and 100");
        assertThatThrownBy(() -> JobService.validate(txt2img.withControls(List.of(unit.withPreprocessor("canny:0:9999")))))
                .hasMessage("canny thresholds must satisfy 1 <= low <= high <= 255, got 0 and 9999");
        assertThatThrownBy(() -> JobService.validate(txt2img.withControls(List.of(unit.withPreprocessor("canny:a:b")))))
                .hasMessage("unknown control preprocessor 'canny:a:b': use none, canny or canny:LOW:HIGH");
    }
}
