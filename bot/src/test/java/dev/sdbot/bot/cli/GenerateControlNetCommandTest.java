package dev.sdbot.bot.cli;

import dev.sdbot.inference.Fixtures;
import dev.sdbot.inference.image.GenerationParameters;
import dev.sdbot.inference.image.ImageCodec;
import dev.sdbot.inference.image.PngText;
import dev.sdbot.inference.image.RgbImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code sdbot generate --control ...} on mini-sd15 with the mini ControlNet of the inference test resources
 * ({@code controlnet/make_controlnet_refs.py}): the net changes the picture, at weight 0 it changes nothing, the
 * A1111 single file gives the folder's picture, the infotext names the unit; bad control inputs are refused.
 */
class GenerateControlNetCommandTest {
    private static final Path MODEL = Fixtures.LDM.resolve("mini-sd15");
    private static final Path REFS = Path.of("..", "inference", "src", "test", "resources", "controlnet");

    @TempDir
    Path dir;

    private CliRunner cli() {
        return new CliRunner(Map.of("SDBOT_MODELS", dir.resolve("models").toString()), dir.resolve("none.yaml"));
    }

    private String[] args(String out, String... extra) {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("--model", MODEL.toString());
        options.put("--prompt", "a red fox");
        options.put("--steps", "3");
        options.put("--width", "64");
        options.put("--height", "64");
        options.put("--sampler", "ddim");
        options.put("--seed", "5");
        options.put("--out", dir.resolve(out).toString());
        List<String> unitOptions = new ArrayList<>(); // in order: a repeated --control starts another unit
        for (int i = 0; i < extra.length; i += 2) {
            if (options.containsKey(extra[i])) {
                options.put(extra[i], extra[i + 1]);
            } else {
                unitOptions.addAll(List.of(extra[i], extra[i + 1]));
            }
        }
        List<String> a = new ArrayList<>(List.of("generate"));
        options.forEach((k, v) -> {
            a.add(k);
            a.add(v);
        });
        a.addAll(unitOptions);
        return a.toArray(String[]::new);
    }

    private void installControlNet() throws IOException {
        Path target = Files.createDirectories(dir.resolve("models/controlnet/mini-cn"));
        for (String f : new String[]{"config.json", "diffusion_pytorch_model.safetensors"}) {
            Files.copy(REFS.resolve("mini-cn").resolve(f), target.resolve(f));
        }
    }

    private byte[] generate(String out, String... extra) throws IOException {
        CliRunner.Result r = cli().run(args(out, extra));
        assertThat(r.exitCode()).as(r.err()).isZero();
        return Files.readAllBytes(dir.resolve(out).resolve("5.png"));
    }

    @Test
    void aControlNetGuidesTheImageAndTheInfotextNamesIt() throws Exception {
        installControlNet();
        Path edges = circle("circle.png");
        byte[] plain = generate("plain");
        byte[] controlled = generate("controlled", "--control", "mini-cn", "--control-image", edges.toString(),
                "--control-preprocessor", "canny", "--control-weight", "0.8", "--control-end", "0.75");
        byte[] zeroWeight = generate("zero", "--control", "mini-cn", "--control-image", edges.toString(),
                "--control-weight", "0");
        byte[] singleFile = generate("single", "--control", REFS.resolve("mini-cn-a1111.safetensors").toString(),
                "--control-image", edges.toString(), "--control-preprocessor", "canny", "--control-weight", "0.8",
                "--control-end", "0.75");

        RgbImage plainRgb = ImageCodec.decode(plain);
        assertThat(maxLevelDifference(ImageCodec.decode(controlled), plainRgb)).as("the net moves the picture")
                .isGreaterThan(10);
        assertThat(ImageCodec.decode(zeroWeight).pixels()).as("weight 0 adds nothing").isEqualTo(plainRgb.pixels());
        assertThat(maxLevelDifference(ImageCodec.decode(singleFile), ImageCodec.decode(controlled)))
                .as("A1111 single file = diffusers folder").isLessThanOrEqualTo(1);

        String infotext = PngText.read(controlled).get(GenerationParameters.PNG_KEY);
        assertThat(infotext).contains("ControlNet 0: \"Module: canny, Model: mini-cn [")
                .contains("Weight: 0.8").contains("Threshold A: 100, Threshold B: 200")
                .contains("Guidance Start: 0, Guidance End: 0.75").contains("Control Mode: Balanced\"");
    }

    @Test
    void twoControlNetsSumAndEachHasItsInfotextLine() throws Exception {
        installControlNet();
        Path edges = circle("circle.png");
        byte[] one = generate("one", "--control", "mini-cn", "--control-image", edges.toString(),
                "--control-weight", "0.8");
        byte[] two = generate("two", "--control", "mini-cn", "--control-image", edges.toString(),
                "--control-weight", "0.4", "--control", "mini-cn", "--control-image", edges.toString(),
                "--control-weight", "0.4", "--control-mode", "controlnet");
        byte[] twoBalanced = generate("two-balanced", "--control", "mini-cn", "--control-image", edges.toString(),
                "--control-weight", "0.4", "--control", "mini-cn", "--control-image", edges.toString(),
                "--control-weight", "0.4");

        assertThat(maxLevelDifference(ImageCodec.decode(twoBalanced), ImageCodec.decode(one)))
                .as("0.4 + 0.4 = 0.8 (MultiControlNetModel sums)").isLessThanOrEqualTo(1);
        assertThat(maxLevelDifference(ImageCodec.decode(two), ImageCodec.decode(twoBalanced)))
                .as("the second unit's mode changes the picture").isGreaterThan(1);
        String infotext = PngText.read(two).get(GenerationParameters.PNG_KEY);
        assertThat(infotext).contains("ControlNet 0: \"Module: none, Model: mini-cn [")
                .contains("ControlNet 1: \"Module: none, Model: mini-cn [")
                .contains("Control Mode: Balanced\", ControlNet 1")
                .endsWith("Control Mode: ControlNet is more important\"");
    }

    @Test
    void anSdxlControlNetGuidesAnSdxlModelAndAnSd1OneIsRefused() throws Exception {
        Path edges = circle("circle.png");
        String sdxl = Fixtures.LDM.resolve("mini-sdxl").toString();
        byte[] plain = generate("xl-plain", "--model", sdxl, "--steps", "2");
        byte[] controlled = generate("xl-controlled", "--model", sdxl, "--steps", "2",
                "--control", REFS.resolve("mini-cn-sdxl").toString(), "--control-image", edges.toString());
        assertThat(maxLevelDifference(ImageCodec.decode(controlled), ImageCodec.decode(plain)))
                .as("the SDXL net moves the picture").isGreaterThan(0);
        assertThat(PngText.read(controlled).get(GenerationParameters.PNG_KEY))
                .contains("ControlNet 0: \"Module: none, Model: mini-cn-sdxl [");
        Path singleFile = dir.resolve("xl-cn.safetensors");
        Files.copy(REFS.resolve("mini-cn-sdxl/diffusion_pytorch_model.safetensors"), singleFile);
        expectError(args("o", "--model", sdxl, "--steps", "2", "--control", singleFile.toString(),
                "--control-image", edges.toString()), "put its diffusers config.json beside it as xl-cn.json");
        Files.copy(REFS.resolve("mini-cn-sdxl/config.json"), dir.resolve("xl-cn.json"));
        byte[] fromSingleFile = generate("xl-single", "--model", sdxl, "--steps", "2",
                "--control", singleFile.toString(), "--control-image", edges.toString());
        assertThat(maxLevelDifference(ImageCodec.decode(fromSingleFile), ImageCodec.decode(controlled)))
                .as("single file + NAME.json = diffusers folder").isLessThanOrEqualTo(1);
        expectError(args("o", "--model", sdxl, "--steps", "2", "--control", REFS.resolve("mini-cn").toString(),
                "--control-image", edges.toString()), "ControlNet 'mini-cn' is not an SDXL ControlNet, model");
        assertThat(dir.resolve("o")).doesNotExist();
    }

    @Test
    void badControlInputsGiveOneErrorLineAndWriteNothing() throws IOException {
        installControlNet();
        Path edges = circle("circle.png");
        Path text = Files.writeString(dir.resolve("notes.png"), "not an image");
        expectError(args("o", "--control", "nope", "--control-image", edges.toString()),
                "unknown ControlNet 'nope'; available: mini-cn");
        expectError(args("o", "--control", "mini-cn", "--control-image", text.toString()), "image");
        expectError(args("o", "--control", "mini-cn", "--control-image", dir.resolve("missing.png").toString()),
                "no such file");
        expectError(args("o", "--control", "mini-cn"), "--control and --control-image go together");
        expectError(args("o", "--control", "mini-cn", "--control-image", edges.toString(), "--control-mode", "loud"),
                "unknown control mode 'loud': use balanced, prompt, controlnet");
        expectError(args("o", "--control", "mini-cn", "--control-image", edges.toString(), "--control-weight", "3"),
                "control weight must be between 0 and 2");
        expectError(args("o", "--control", "mini-cn", "--control-image", edges.toString(), "--control-start", "0.8",
                "--control-end", "0.2"), "control start/end must satisfy 0 <= start <= end <= 1");
        expectError(args("o", "--control", "mini-cn", "--control-image", edges.toString(),
                "--control-preprocessor", "openpose"), "unknown control preprocessor 'openpose': use none, canny or canny:LOW:HIGH");
        expectError(args("o", "--control", "mini-cn", "--control-image", edges.toString(),
                "--control-preprocessor", "canny:200:100"), "canny thresholds must satisfy 1 <= low <= high <= 255, got 200 and 100");
        expectError(args("o", "--control", "mini-cn", "--control-image", edges.toString(),
                "--model", Fixtures.LDM.resolve("mini-sd21v").toString()),
                "ControlNet 'mini-cn' was made for another model family");
        assertThat(dir.resolve("o")).doesNotExist();
    }

    private void expectError(String[] args, String message) {
        CliRunner.Result r = cli().run(args);
        assertThat(r.exitCode()).as(String.join(" ", args)).isNotZero();
        assertThat(r.err().lines().toList()).as(r.err()).singleElement().satisfies(line ->
                assertThat(line).startsWith("error: ").contains(message));
    }

    private Path circle(String name) throws IOException {
        int w = 64;
        byte[] rgb = new byte[w * w * 3];
        for (int y = 0; y < w; y++) {
            for (int x = 0; x < w; x++) {
                boolean inside = (x - 32) * (x - 32) + (y - 32) * (y - 32) < 18 * 18;
                for (int c = 0; c < 3; c++) {
                    rgb[(y * w + x) * 3 + c] = inside ? (byte) 230 : (byte) 20;
                }
            }
        }
        return Files.write(dir.resolve(name), ImageCodec.encodePng(new RgbImage(w, w, rgb)));
    }

    private static int maxLevelDifference(RgbImage a, RgbImage b) {
        int max = 0;
        for (int i = 0; i < a.pixels().length; i++) {
            max = Math.max(max, Math.abs((a.pixels()[i] & 0xff) - (b.pixels()[i] & 0xff)));
        }
        return max;
    }
}
