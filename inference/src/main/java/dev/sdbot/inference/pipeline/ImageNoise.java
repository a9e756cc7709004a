package dev.sdbot.inference.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.sampling.BatchNoise;
import dev.sdbot.inference.sampling.NoiseSource;
import dev.sdbot.inference.sampling.QueuedNoise;
import dev.sdbot.inference.sampling.SeededNoise;

import java.util.List;
import java.util.function.Function;

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

    /**
     * This image's noise with A1111's variation seed: the start noise moved towards the first draw of a generator
     * seeded with {@code variationSeed} by {@code strength} ({@link VariationNoise}); the other draws are unchanged.
     */
    public ImageNoise varied(NDManager manager, long variationSeed, double strength) {
        NDArray variation = SeededNoise.draw(manager, variationSeed, noise.getShape(), 1).get(0);
        return new ImageNoise(VariationNoise.slerp(strength, noise, variation), imageEncodeNoise, maskedEncodeNoise,
                stepNoise);
    }

    /**
     * The noise of image {@code index} of {@code request} ({@link #seeded}), with its variation when the request has
     * one: A1111's seeds, image i of a variation keeps the first image's seed and uses variation seed + i.
     */
    public static ImageNoise ofImage(NDManager manager, GenerationRequest request, long firstSeed, long firstVariationSeed,
                                     int index, Shape latentShape, boolean encodesImage, boolean encodesMaskedImage,
                                     int stepDraws) {
        ImageNoise image = seeded(manager, request.imageSeed(firstSeed, index), latentShape, encodesImage,
                encodesMaskedImage, stepDraws);
        return request.hasVariation() ? image.varied(manager, firstVariationSeed + index, request.variationStrength())
                : image;
    }

    /** The images' noise stacked into one batch (image i is item i); step noise stays per image. */
    public static ImageNoise batch(List<ImageNoise> images) {
        if (images.size() == 1) {
            return images.get(0);
        }
        return new ImageNoise(stack(images, ImageNoise::noise), stack(images, ImageNoise::imageEncodeNoise),
                stack(images, ImageNoise::maskedEncodeNoise),
                new BatchNoise(images.stream().map(ImageNoise::stepNoise).toList()));
    }

    private static NDArray stack(List<ImageNoise> images, Function<ImageNoise, NDArray> part) {
        if (part.apply(images.get(0)) == null) {
            return null;
        }
        NDList parts = new NDList(images.size());
        images.forEach(i -> parts.add(part.apply(i)));
        return NDArrays.concat(parts, 0);
    }
}
