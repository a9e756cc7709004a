package dev.sdbot.inference.pipeline;

import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.util.NDImageUtils;
import ai.djl.ndarray.NDArray;
import dev.sdbot.inference.api.HiresUpscaler;

/** torch's {@code interpolate(latents, size, mode)} (align_corners=False, no antialias) as A1111's latent upscalers. */
final class LatentUpscale {
    private LatentUpscale() {
    }

    /** @param latents (N, C, h, w) → (N, C, height, width) */
    static NDArray resize(NDArray latents, int height, int width, HiresUpscaler upscaler) {
        Image.Interpolation mode = switch (upscaler.method()) {
            case LATENT -> Image.Interpolation.BILINEAR;
            case LATENT_BICUBIC -> Image.Interpolation.BICUBIC;
            case LATENT_NEAREST -> Image.Interpolation.NEAREST;
            case LANCZOS, MODEL -> throw new IllegalArgumentException(upscaler.displayName()
                    + " upscales the decoded image, not the latents");
        };
        // NDImageUtils resizes channels-last arrays with libtorch's interpolate
        NDArray nhwc = latents.transpose(0, 2, 3, 1);
        return NDImageUtils.resize(nhwc, width, height, mode).transpose(0, 3, 1, 2);
    }
}
