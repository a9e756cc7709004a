package dev.sdbot.inference.selftest;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.sdbot.inference.upscale.ImageUpscaler;
import dev.sdbot.inference.weights.SafetensorsFile;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The upscaler networks against the outputs of their reference code ({@code make_upscaler_refs.py} in the test
 * resources: BasicSR's RRDBNet, Real-ESRGAN's SRVGGNetCompact, small random weights), bundled in the jar. One line
 * per network and file layout; the original ESRGAN layout is a torch.save pickle, read by the safe reader.
 *
 * <p>Tolerance: about 40 float32 convolutions of at most 200 terms each, every sum rounding by at most
 * 200 x 2^-24 relative, compound to well under 1e-4 of the output's norm.
 */
public final class UpscalerChecks {
    public static final double TOLERANCE = 1e-4;
    private static final String[][] CASES = {
            {"rrdb-x4", "tiny-rrdb-x4.safetensors"},
            {"rrdb-x4", "tiny-esrgan-old-x4.pth"},
            {"rrdb-x2", "tiny-rrdb-x2.safetensors"},
            {"srvgg-x4", "tiny-srvgg-x4.safetensors"}};

    private UpscalerChecks() {
    }

    public static List<CheckResult> runBundled() {
        List<CheckResult> results = new ArrayList<>();
        Path dir = null;
        try {
            dir = Files.createTempDirectory("sdbot-upscaler-refs");
            Path refs = copy("upscaler-refs.safetensors", dir);
            try (SafetensorsFile ref = SafetensorsFile.open(refs); NDManager manager = NDManager.newBaseManager()) {
                NDArray input = ref.load("input", manager);
                for (String[] c : CASES) {
                    try (NDManager sub = manager.newSubManager()) {
                        NDArray out = ImageUpscaler.net(copy(c[1], dir), sub).forward(input);
                        results.add(CheckResult.of("upscaler." + c[0] + " (" + c[1] + ")",
                                Parity.relativeError(out, ref.load(c[0], sub)), TOLERANCE));
                    }
                }
            }
            return results;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deleteTree(dir);
        }
    }

    private static Path copy(String resource, Path dir) throws IOException {
        try (InputStream in = UpscalerChecks.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException(resource + " is missing from the build");
            }
            Path file = dir.resolve(resource);
            Files.copy(in, file);
            return file;
        }
    }

    private static void deleteTree(Path dir) {
        if (dir == null) {
            return;
        }
        try (var files = Files.list(dir)) {
            files.forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a temp folder left behind is harmless
        }
        dir.toFile().delete();
    }
}
