package dev.sdbot.inference.pipeline;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses a device name ({@code cpu}, {@code cuda}, {@code cuda:N}) and checks that libtorch can use it. */
public final class Devices {
    private static final Pattern CUDA = Pattern.compile("(?:cuda|gpu)(?::(\\d+))?");

    private Devices() {
    }

    /**
     * A CUDA name first loads the CUDA libtorch ({@link LibtorchRoute}) when nothing has loaded the engine yet.
     *
     * @throws IllegalArgumentException for an unknown name, a machine without an NVIDIA driver or a GPU that
     *                                  libtorch does not see
     */
    public static Device parse(String name) {
        String n = name == null ? "cpu" : name.trim().toLowerCase(Locale.ROOT);
        if (n.equals("cpu")) {
            return Device.cpu();
        }
        Matcher m = CUDA.matcher(n);
        if (!m.matches()) {
            throw new IllegalArgumentException("unknown device '" + name + "': expected cpu, cuda or cuda:N");
        }
        int index = m.group(1) == null ? 0 : Integer.parseInt(m.group(1));
        LibtorchRoute.prepare(List.of(n));
        int gpus = Engine.getInstance().getGpuCount();
        if (gpus == 0) {
            throw new IllegalArgumentException("CUDA device cuda:" + index + " requested but the libtorch in use ("
                    + LibtorchRoute.describeLoaded() + ") sees no GPU; " + LibtorchRoute.HOW_TO);
        }
        if (index >= gpus) {
            throw new IllegalArgumentException("CUDA device cuda:" + index + " requested but libtorch sees only "
                    + gpus + " GPU(s) (cuda:0..cuda:" + (gpus - 1) + ")");
        }
        return Device.gpu(index);
    }

    /**
     * Waits until the device has finished the work queued so far, so a clock read afterwards measures it: CUDA
     * kernels run asynchronously. A device-to-host copy of one element waits for libtorch's current stream (the
     * default stream, the only one the engine uses). On the CPU every op has returned when it is done: a no-op.
     */
    public static void synchronize(Device device) {
        if (!device.isGpu()) {
            return;
        }
        try (NDManager m = NDManager.newBaseManager(device)) {
            m.zeros(new Shape(1)).toFloatArray();
        }
    }
}
