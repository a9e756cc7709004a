package dev.sdbot.inference.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.sdbot.inference.api.ControlNetUnit;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.api.InvalidRequestException;
import dev.sdbot.inference.controlnet.ControlNetLoader;
import dev.sdbot.inference.image.Canny;
import dev.sdbot.inference.image.ImageCodec;
import dev.sdbot.inference.image.ImageResize;
import dev.sdbot.inference.image.RgbImage;
import dev.sdbot.inference.unet.ControlNet;

import dev.sdbot.inference.weights.CheckpointException;
import dev.sdbot.inference.weights.ControlNetWeights;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A request's ControlNet units made ready for the loop: nets loaded and checked, images preprocessed. */
final class ControlUnits {
    private ControlUnits() {
    }

    /**
     * The weights of each unit's ControlNet (refused when this engine has none of that name) and its preprocessed
     * image; the numbers were checked by {@link GenerationRequest#problems()}.
     */
    static List<Path> weights(List<ControlNetUnit> units, Map<String, Path> available) throws InvalidRequestException {
        List<Path> paths = new ArrayList<>();
        for (ControlNetUnit unit : units) {
            Path path = available.get(unit.model());
            if (path == null) {
                throw new InvalidRequestException("unknown ControlNet '" + unit.model() + "'; available: "
                        + (available.isEmpty() ? "none" : String.join(", ", available.keySet())));
            }
            paths.add(path);
        }
        return paths;
    }

    /** Each unit's image decoded and preprocessed (canny or none). */
    static List<RgbImage> images(List<ControlNetUnit> units) throws InvalidRequestException {
        List<RgbImage> images = new ArrayList<>();
        for (ControlNetUnit unit : units) {
            RgbImage image = ImageCodec.decode(unit.image());
            images.add(unit.preprocessor().equals("canny") ? Canny.edges(image, unit.cannyLow(), unit.cannyHigh())
                    : image);
        }
        return images;
    }

    /**
     * The nets (refused when made for another family than the model's) and their images stretched to the output
     * size in [0, 1] (diffusers' {@code prepare_image}).
     */
    static ControlGuide guide(GenerationRequest request, List<Path> weights, List<RgbImage> images,
                              DiffusionModel model, DataType computeType, NDManager manager)
            throws InvalidRequestException {
        List<ControlGuide.Unit> ready = new ArrayList<>();
        long context = model.unet().config().crossAttentionDim();
        List<ControlNetUnit> units = request.controls();
        for (int i = 0; i < units.size(); i++) {
            ControlNetUnit unit = units.get(i);
            ControlNet net;
            try {
                net = ControlNetLoader.load(weights.get(i), manager, computeType);
            } catch (CheckpointException e) {
                throw new InvalidRequestException("ControlNet '" + unit.model() + "' cannot be loaded: " + e.getMessage());
            }
            boolean sdxl = model.unet().config().textTimeConditioning();
            if (net.spec().textTime() != sdxl) {
                throw new InvalidRequestException("ControlNet '" + unit.model() + "' is " + (net.spec().textTime()
                        ? "an SDXL ControlNet" : "not an SDXL ControlNet") + ", model '" + request.model() + "' "
                        + (sdxl ? "is SDXL" : "is not"));
            }
            if (net.crossAttentionDim() != context) {
                throw new InvalidRequestException("ControlNet '" + unit.model() + "' was made for another model family"
                        + " (text context " + net.crossAttentionDim() + " wide) than model '" + request.model()
                        + "' (" + context + ")");
            }
            RgbImage sized = ImageResize.fit(images.get(i), request.width(), request.height(), ImageResize.Mode.STRETCH);
            ready.add(new ControlGuide.Unit(net, unitInterval(sized, manager), (float) unit.weight(), unit.start(),
                    unit.end(), false, unit.mode()));
        }
        return new ControlGuide(ready);
    }

    /** (1, 3, H, W) = pixel / 255. */
    static NDArray unitInterval(RgbImage image, NDManager manager) {
        int w = image.width();
        int h = image.height();
        float[] out = new float[3 * w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < 3; c++) {
                    out[(c * h + y) * w + x] = image.sample(x, y, c) / 255f;
                }
            }
        }
        return manager.create(out, new Shape(1, 3, h, w)).toType(DataType.FLOAT32, false);
    }

    /** A1111's ControlNet infotext entries: {@code ControlNet 0: "Module: canny, Model: NAME [hash], ..."}. */
    static String infotext(List<ControlNetUnit> units, List<String> hashes) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < units.size(); i++) {
            ControlNetUnit u = units.get(i);
            boolean canny = u.preprocessor().equals("canny");
            text.append(", ControlNet ").append(i).append(": \"Module: ").append(u.preprocessor())
                    .append(", Model: ").append(u.model()).append(" [").append(hashes.get(i)).append("]")
                    .append(", Weight: ").append(number(u.weight()))
                    .append(", Resize Mode: Just Resize, Low Vram: False")
                    .append(canny ? ", Processor Res: 512, Threshold A: " + u.cannyLow() + ", Threshold B: "
                            + u.cannyHigh() : "")
                    .append(", Guidance Start: ").append(number(u.start()))
                    .append(", Guidance End: ").append(number(u.end()))
                    .append(", Pixel Perfect: False, Control Mode: ").append(u.mode().label()).append("\"");
        }
        return text.toString();
    }

    /**
     * The hash the ControlNet extension shows after a model's name: A1111's legacy {@code model_hash}, the first 8
     * hex digits of the SHA-256 of the 64 KiB at offset 1 MiB (of the folder's weights file).
     */
    static String legacyHash(Path weights) {
        Path file = Files.isDirectory(weights) ? weights.resolve(ControlNetWeights.FOLDER_WEIGHTS) : weights;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocate(0x10000);
            channel.position(0x100000);
            while (buffer.hasRemaining() && channel.read(buffer) > 0) {
                // read up to 64 KiB (less for a small file)
            }
            buffer.flip();
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(buffer);
            return HexFormat.of().formatHex(digest.digest()).substring(0, 8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot hash " + file, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM lacks SHA-256", e);
        }
    }

    private static String number(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%s", v);
    }
}
