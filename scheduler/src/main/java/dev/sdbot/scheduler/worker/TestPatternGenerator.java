package dev.sdbot.scheduler.worker;

import dev.sdbot.inference.api.GeneratedImage;
import dev.sdbot.inference.api.SafetyVerdict;
import dev.sdbot.inference.api.GenerationCancelledException;
import dev.sdbot.inference.api.GenerationException;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.api.GenerationResult;
import dev.sdbot.inference.api.ImageGenerator;
import dev.sdbot.inference.api.InvalidRequestException;
import dev.sdbot.inference.api.Progress;
import dev.sdbot.inference.api.ProgressListener;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * A deterministic stand-in for the diffusion engine: renders a PNG test pattern from the seed,
 * the size and a hash of the prompt, with per-step progress, an optional delay per step and
 * cancellation between steps. Lets the job system run and be tested without model weights.
 */
public final class TestPatternGenerator implements ImageGenerator {
    public static final String MODEL = "test-pattern";

    private final Set<String> models;
    private final Duration stepDelay;

    public TestPatternGenerator(Set<String> models, Duration stepDelay) {
        this.models = Set.copyOf(models);
        this.stepDelay = stepDelay;
    }

    public TestPatternGenerator() {
        this(Set.of(MODEL), Duration.ZERO);
    }

    @Override
    public GenerationResult generate(GenerationRequest request, ProgressListener listener) throws GenerationException {
        if (!models.contains(request.model())) {
            throw new InvalidRequestException("unknown model '" + request.model() + "', this worker has " + models);
        }
        long started = System.nanoTime();
        long seed = request.seed() == null ? 0 : request.seed();
        List<GeneratedImage> images = new ArrayList<>();
        int total = request.steps() * request.count();
        for (int i = 0; i < request.count(); i++) {
            for (int step = 1; step <= request.steps(); step++) {
                if (listener.isCancelled()) {
                    throw new GenerationCancelledException(i * request.steps() + step - 1);
                }
                pause();
                listener.onProgress(new Progress(i * request.steps() + step, total,
                        Duration.ofNanos(System.nanoTime() - started), null));
            }
            // drawn from the seed and a hash of the prompt, never from an input image: safe by construction
            long imageSeed = request.imageSeed(seed, i);
            images.add(new GeneratedImage(render(request, imageSeed, variationField(request, i)), imageSeed,
                    SafetyVerdict.TEST_PATTERN, new float[0]));
        }
        return new GenerationResult(images, Duration.ofNanos(System.nanoTime() - started).toMillis());
    }

    private void pause() throws GenerationException {
        if (stepDelay.isZero()) {
            return;
        }
        try {
            Thread.sleep(stepDelay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GenerationException("interrupted", e);
        }
    }

    /** A1111's variation fields of image {@code index}, after Model as A1111 writes them; "" without variation. */
    private static String variationField(GenerationRequest request, int index) {
        if (!request.hasVariation()) {
            return "";
        }
        long first = request.variationSeed() == null ? 0 : request.variationSeed();
        return ", Variation seed: " + (first + index) + ", Variation seed strength: " + request.variationStrength();
    }

    static byte[] render(GenerationRequest request, long seed) throws GenerationException {
        return render(request, seed, "");
    }

    private static byte[] render(GenerationRequest request, long seed, String variation) throws GenerationException {
        int promptHash = request.prompt().hashCode();
        int w = request.width();
        int h = request.height();
        int a = (int) (seed * 0x9E3779B1L) | 1;
        // Raw scanlines (filter type 0, RGB), written straight to a PNG: the fake generator should cost next to
        // nothing, so that benchmarks of the job system measure the job system (ImageIO took a millisecond or more).
        byte[] raw = new byte[h * (1 + 3 * w)];
        int[] red = new int[w]; // divisions hoisted out of the pixel loop: they were most of the generator's time
        for (int x = 0; x < w; x++) {
            red[x] = (x * 255 / w) << 16;
        }
        int at = 0;
        for (int y = 0; y < h; y++) {
            raw[at++] = 0;
            int green = (y * 255 / h) << 8;
            for (int x = 0; x < w; x++) {
                int rgb = red[x] | green | ((x ^ y ^ a ^ promptHash) & 0xFF);
                rgb = (x / 8 + y / 8) % 2 == 0 ? rgb : rgb ^ (promptHash & 0x3F3F3F);
                raw[at++] = (byte) (rgb >> 16);
                raw[at++] = (byte) (rgb >> 8);
                raw[at++] = (byte) rgb;
            }
        }
        String parameters = request.prompt() + "\nNegative prompt: " + request.negativePrompt() + "\nSteps: " + request.steps()
                + ", Sampler: " + request.sampler().displayName() + ", CFG scale: " + request.cfgScale() + ", Seed: " + seed
                + ", Size: " + w + "x" + h + ", Model: " + request.model() + variation;
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length / 4 + 1024);
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        chunk(out, "IHDR", ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) 8).put((byte) 2)
                .put((byte) 0).put((byte) 0).put((byte) 0).array());
        chunk(out, "tEXt", ("parameters" + '\0' + parameters).getBytes(StandardCharsets.ISO_8859_1));
        // Stored (uncompressed) deflate blocks: the pattern is noise-like and barely compresses, and compressing it
        // took over 100 µs per image, more than the job system spends on the job.
        Deflater deflater = new Deflater(Deflater.NO_COMPRESSION);
        try {
            deflater.setInput(raw);
            deflater.finish();
            ByteArrayOutputStream idat = new ByteArrayOutputStream(raw.length / 4 + 64);
            byte[] buffer = new byte[8192];
            while (!deflater.finished()) {
                idat.write(buffer, 0, deflater.deflate(buffer));
            }
            chunk(out, "IDAT", idat.toByteArray());
        } finally {
            deflater.end();
        }
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(typeBytes);
        out.writeBytes(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    /** Inserts a tEXt chunk right after IHDR (8-byte signature + 25-byte IHDR chunk). */
    static byte[] withTextChunk(byte[] png, String key, String value) {
        byte[] data = (key + '\0' + value).getBytes(StandardCharsets.ISO_8859_1);
        byte[] type = "tEXt".getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(type);
        crc.update(data);
        ByteBuffer chunk = ByteBuffer.allocate(12 + data.length);
        chunk.putInt(data.length).put(type).put(data).putInt((int) crc.getValue());
        int at = 33;
        byte[] result = new byte[png.length + chunk.capacity()];
        System.arraycopy(png, 0, result, 0, at);
        System.arraycopy(chunk.array(), 0, result, at, chunk.capacity());
        System.arraycopy(png, at, result, at + chunk.capacity(), png.length - at);
        return result;
    }

    @Override
    public Set<String> availableModels() {
        return models;
    }

    @Override
    public Set<String> loadedModels() {
        return models;
    }

    /** None: its images are {@link SafetyVerdict#TEST_PATTERN}s, not unchecked images of a model. */
    @Override
    public Set<String> uncheckedModels() {
        return Set.of();
    }
}
