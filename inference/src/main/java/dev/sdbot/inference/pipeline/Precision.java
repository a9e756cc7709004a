package dev.sdbot.inference.pipeline;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The dtype a worker computes the UNet and text encoder in ({@code SDBOT_PRECISION}). {@code auto} is fp16 on
 * CUDA and fp32 on the CPU. Refused, with the reason, where this build cannot run it:
 * <ul>
 *   <li>bf16 everywhere: DJL 0.36's PyTorch binding has no bfloat16 dtype (its JNI maps DJL's dtypes to
 *   libtorch's by a table that ends at complex64; creating or casting to {@code BFLOAT16} aborts the process);</li>
 *   <li>fp16 on the CPU: libtorch's CPU kernels for half convolutions are reference loops, measured 120x slower
 *   than fp32 (3x3 conv, 320 channels, 2x32x32: 14.2 s vs 0.12 s on 2 cores), so nobody wants it in production.</li>
 * </ul>
 */
public enum Precision {
    AUTO, FP32, FP16, BF16;

    /** @throws IllegalArgumentException naming the accepted values */
    public static Precision parse(String name) {
        if (name == null || name.isBlank()) {
            return AUTO;
        }
        String key = name.trim().toUpperCase(Locale.ROOT);
        return Arrays.stream(values()).filter(p -> p.name().equals(key)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown precision '" + name + "': expected one of "
                        + Arrays.stream(values()).map(Precision::label).collect(Collectors.joining(", "))));
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The compute dtype on {@code device}.
     *
     * @throws IllegalArgumentException when this build cannot run the precision there (see the class comment)
     */
    public DataType computeType(Device device) {
        boolean gpu = device.isGpu();
        return switch (this) {
            case AUTO -> gpu ? DataType.FLOAT16 : DataType.FLOAT32;
            case FP32 -> DataType.FLOAT32;
            case FP16 -> {
                if (!gpu) {
                    throw new IllegalArgumentException("precision fp16 is not offered on the CPU: libtorch's CPU "
                            + "half-precision convolution is about 120x slower than fp32; use fp32 (or auto) on cpu, "
                            + "fp16 on cuda:N");
                }
                yield DataType.FLOAT16;
            }
            case BF16 -> throw new IllegalArgumentException("precision bf16 is not supported by this build: DJL "
                    + "0.36's PyTorch binding has no bfloat16 dtype (creating one aborts libtorch); use fp32 on cpu, "
                    + "fp16 on cuda:N");
        };
    }
}
