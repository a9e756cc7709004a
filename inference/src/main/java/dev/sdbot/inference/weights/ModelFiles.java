package dev.sdbot.inference.weights;

import ai.djl.ndarray.NDManager;
import dev.sdbot.inference.model.ModelDescription;
import dev.sdbot.inference.nn.Weights;
import dev.sdbot.inference.text.ClipTokenizer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One opened Stable Diffusion checkpoint, whatever its layout: its description and its components' weights,
 * always under diffusers names and in fp32. Open with {@link CheckpointLoader#open(Path)}.
 */
public interface ModelFiles extends AutoCloseable {

    enum Format { DIFFUSERS_FOLDER, SINGLE_FILE }

    Path path();

    Format format();

    /** Architecture and schedule, from the configs or inferred from the weights. */
    ModelDescription description();

    ClipTokenizer tokenizer();

    /** UNet2DConditionModel weights. */
    Weights unet(NDManager manager);

    /** AutoencoderKL weights (encoder, decoder, quant_conv, post_quant_conv). */
    Weights vae(NDManager manager);

    /** CLIPTextModel weights ({@code text_model.*}), only the layers the model conditions on. */
    Weights textEncoder(NDManager manager);

    /** SDXL's second tokenizer (pads with "!" = 0); empty for SD 1.x/2.x. */
    Optional<ClipTokenizer> tokenizer2();

    /**
     * SDXL's second text encoder, CLIPTextModelWithProjection weights ({@code text_model.*} with every layer and
     * {@code text_projection.weight}); empty for SD 1.x/2.x.
     */
    Optional<Weights> textEncoder2(NDManager manager);

    /** StableDiffusionSafetyChecker weights; only diffusers folders carry one. */
    Optional<Weights> safetyChecker(NDManager manager);

    /**
     * Whether the checkpoint at {@code path} carries its own safety checker, without opening it: a diffusers folder
     * with {@code safety_checker/}; a single file never does.
     */
    static boolean hasSafetyChecker(Path path) {
        return Files.isDirectory(path.resolve("safety_checker"));
    }

    @Override
    void close();
}
