package dev.sdbot.inference.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.sdbot.inference.sampling.NoiseSource;
import dev.sdbot.inference.sampling.QueuedNoise;
import dev.sdbot.inference.sampling.SeededNoise;

import java.util.List;

/**
 * Every random tensor one image needs, drawn before the loop: the start noise, the VAE sampling noise of
 * the init image and of the masked image (img2img/inpainting), the ancestral samplers' step noise.
 * Parity tests build it from recorded tensors; production draws it from a seed.
 *
 * @param imageEncodeNoise  noise for sampling the init image's latent distribution, or null
 * @param maskedEncodeNoise noise for sampling the masked image's latent distribution, or null
 */
public record ImageNoise(NDArray noise, NDArray imageEncodeNoise, NDArray maskedEncodeNoise, NoiseSource stepNoise) {

    /**
     * Draws from one torch generator seeded with {@code seed}, in the order diffusers 0.21 draws: init image
     * encoding, start noise, masked image encoding, then one tensor per ancestral step. All have the latent shape.
     */
    public static ImageNoise seeded(NDManager manager, long seed, Shape latentShape, boolean encodesImage,
                                    boolean encodesMaskedImage, int stepDraws) {
        int draws = (encodesImage ? 1 : 0) + 1 + (encodesMaskedImage ? 1 : 0) + stepDraws;
        List<NDArray> all = SeededNoise.draw(manager, seed, latentShape, draws);
        int next = 0;
        NDArray image = encodesImage ? all.get(next++) : null;
        NDArray noise = all.get(next++);
        NDArray masked = encodesMaskedImage ? all.get(next++) : null;
        return new ImageNoise(noise, image, masked, new QueuedNoise(all.subList(next, all.size())));
    }
}
