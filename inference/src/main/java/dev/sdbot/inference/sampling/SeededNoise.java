package dev.sdbot.inference.sampling;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * Gaussian noise from libtorch's CPU generator, so seed S gives exactly {@code torch.manual_seed(S);
 * torch.randn(shape)}, the start noise diffusers and ComfyUI use on CPU.
 *
 * <p>Convention: image i of a request uses seed + i and is generated on its own; its draws are the start
 * latents of shape (1, 4, h/8, w/8) followed by one draw of the same shape per ancestral step — what
 * diffusers does for one image with {@code generator=torch.Generator().manual_seed(seed + i)} (and for a
 * batch with a list of such generators). The generator is global to libtorch, so seeding and all draws
 * of one image happen under one lock, before the denoising loop. The draws always come from the CPU generator in
 * fp32 and are then moved to the manager's device (as diffusers does with a CPU generator), so a seed gives the same
 * start noise, and so the same picture up to the device's arithmetic, on CPU and GPU.
 */
public final class SeededNoise {
    private static final Object GENERATOR_LOCK = new Object();
    private static final SecureRandom SEEDS = new SecureRandom();

    private SeededNoise() {
    }

    /** A random seed in A1111's range [0, 2^32), used when the request names none. */
    public static long randomSeed() {
        return SEEDS.nextLong() >>> 32;
    }

    /** {@code draws} tensors of {@code shape}, in the order one torch generator seeded with {@code seed} gives them. */
    public static List<NDArray> draw(NDManager manager, long seed, Shape shape, int draws) {
        List<NDArray> noise = new ArrayList<>(draws);
        Device device = manager.getDevice();
        try (NDManager cpu = NDManager.newBaseManager(Device.cpu())) {
            synchronized (GENERATOR_LOCK) {
                JniUtils.setSeed(seed);
                for (int i = 0; i < draws; i++) {
                    noise.add(onDevice(cpu.randomNormal(shape), manager, device));
                }
            }
        }
        return noise;
    }

    private static NDArray onDevice(NDArray drawn, NDManager manager, Device device) {
        NDArray moved = drawn.getDevice().equals(device) ? drawn : drawn.toDevice(device, true);
        moved.attach(manager);
        return moved;
    }
}
