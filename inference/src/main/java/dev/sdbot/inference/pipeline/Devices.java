package dev.sdbot.inference.pipeline;

import ai.djl.Device;
import ai.djl.engine.Engine;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses a device name ({@code cpu}, {@code cuda}, {@code cuda:N}) and checks that libtorch can use it. */
public final class Devices {
    private static final Pattern CUDA = Pattern.compile("(?:cuda|gpu)(?::(\\d+))?");

    private Devices() {
    }

    /** @throws IllegalArgumentException for an unknown name or a GPU that libtorch does not see */
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
        int gpus = Engine.getInstance().getGpuCount();
        if (gpus == 0) {
            throw new IllegalArgumentException("CUDA device cuda:" + index + " requested but no GPU is available to "
                    + "libtorch; this build bundles the CPU libtorch");
        }
        if (index >= gpus) {
            throw new IllegalArgumentException("CUDA device cuda:" + index + " requested but libtorch sees only "
                    + gpus + " GPU(s) (cuda:0..cuda:" + (gpus - 1) + ")");
        }
        return Device.gpu(index);
    }
}
