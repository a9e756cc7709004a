package dev.sdbot.inference.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.sdbot.inference.nn.Weights;
import dev.sdbot.inference.selftest.Parity;
import dev.sdbot.inference.weights.SafetensorsFile;
import dev.sdbot.inference.weights.SafetensorsWeights;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tiny VAE (diffusers' AutoencoderTiny, TAESD's architecture) against make_taesd_ref.py's reference: a mini
 * model with random weights run through diffusers v0.21.4's EncoderTiny/DecoderTiny. Tolerance: fp32 convolutions
 * over about 30 layers stay within 1e-5 relative of torch's; 1e-4 as for the full VAE's fixtures.
 */
class TinyVaeParityTest {
    static final Path RESOURCES = Path.of("src/test/resources/taesd");
    private static final double TOLERANCE = 1e-4;

    @Test
    void decodesAndEncodesAsDiffusersAutoencoderTiny() {
        try (NDManager manager = NDManager.newBaseManager();
             SafetensorsFile ref = SafetensorsFile.open(RESOURCES.resolve("taesd-reference.safetensors"))) {
            TinyVae vae = TinyVae.load(SafetensorsWeights.loadAll(
                    RESOURCES.resolve("mini-taesd/diffusion_pytorch_model.safetensors"), manager, DataType.FLOAT32));
            assertThat(vae.canEncode()).isTrue();
            NDArray decoded = vae.decode(ref.load("decode.in", manager));
            double decodeError = Parity.relativeError(decoded, ref.load("decode.out", manager));
            NDArray encoded = vae.encode(ref.load("encode.in", manager));
            double encodeError = Parity.relativeError(encoded, ref.load("encode.out", manager));
            System.out.printf("tiny VAE decode rel %.2e, encode rel %.2e%n", decodeError, encodeError);
            assertThat(decodeError).isLessThan(TOLERANCE);
            assertThat(encodeError).isLessThan(TOLERANCE);
        }
    }

    @Test
    void readsTheOriginalTaesdDecoderLayout() {
        // taesd_decoder.safetensors: the decoder's layers as N.*, shifted by one (a parameter-free clamp at 0)
        try (NDManager manager = NDManager.newBaseManager();
             SafetensorsFile ref = SafetensorsFile.open(RESOURCES.resolve("taesd-reference.safetensors"))) {
            Weights diffusers = SafetensorsWeights.loadAll(
                    RESOURCES.resolve("mini-taesd/diffusion_pytorch_model.safetensors"), manager, DataType.FLOAT32);
            Map<String, NDArray> original = new HashMap<>();
            Weights decoder = diffusers.sub("decoder.layers");
            for (String key : decoder.keys()) {
                int dot = key.indexOf('.');
                original.put((Integer.parseInt(key.substring(0, dot)) + 1) + key.substring(dot), decoder.get(key));
            }
            TinyVae vae = TinyVae.load(new Weights(original, "taesd_decoder"));
            assertThat(vae.canEncode()).isFalse();
            double error = Parity.relativeError(vae.decode(ref.load("decode.in", manager)), ref.load("decode.out", manager));
            assertThat(error).isLessThan(TOLERANCE);
        }
    }
}
