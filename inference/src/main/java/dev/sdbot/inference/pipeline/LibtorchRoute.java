package dev.sdbot.inference.pipeline;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.LibUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;

/**
 * Chooses the libtorch DJL loads, before anything touches the engine. The jar bundles DJL's CPU libtorch
 * ({@code pytorch-native-cpu}), which DJL prefers whenever it is on the class path, even on a GPU machine. When the
 * devices include CUDA this takes DJL's standard route instead:
 * <ol>
 *   <li>{@code PYTORCH_LIBRARY_PATH} set: DJL loads the libtorch there (a CUDA build of PyTorch 2.7.1, e.g.
 *   {@code site-packages/torch/lib}); nothing to do here;</li>
 *   <li>otherwise the bundled CPU build is hidden from DJL, which then does what it does without a native jar:
 *   downloads the libtorch of flavor {@code PYTORCH_FLAVOR} (default {@value #CUDA_FLAVOR}, the CUDA build DJL
 *   publishes for the bundled pytorch-jni 2.7.1; its JNI library ships in pytorch-jni) from publish.djl.ai into its
 *   cache ({@code ~/.djl.ai/pytorch}, or {@code DJL_CACHE_DIR}) once, and loads it from there afterwards.</li>
 * </ol>
 * A machine without an NVIDIA driver is refused before any download, with the reason.
 */
public final class LibtorchRoute {
    private static final Logger log = LoggerFactory.getLogger(LibtorchRoute.class);

    /** DJL's CUDA flavor for PyTorch 2.7.1 (pytorch-jni 2.7.1 ships {@code jnilib/linux-x86_64/cu128}). */
    public static final String CUDA_FLAVOR = "cu128";
    static final String HOW_TO = "CUDA needs an NVIDIA GPU with its driver; sdbot then fetches DJL's CUDA "
            + "libtorch 2.7.1 (" + CUDA_FLAVOR + ") into ~/.djl.ai/pytorch on first use, or uses "
            + "PYTORCH_LIBRARY_PATH (see the README, GPU workers)";
    private static final String BUNDLED_NATIVE = "native/lib/pytorch.properties";
    private static final Path NVIDIA_DRIVER = Path.of("/proc/driver/nvidia/version");

    private static boolean prepared;

    private LibtorchRoute() {
    }

    /**
     * Prepares and loads the engine for {@code devices} (names as {@link Devices#parse} takes them). CPU-only
     * device lists load the bundled CPU libtorch as before.
     *
     * @throws IllegalArgumentException when CUDA is asked for on a machine without an NVIDIA driver
     * @throws IllegalStateException    when the CUDA libtorch cannot be fetched or loaded, with DJL's reason
     */
    public static synchronized void prepare(List<String> devices) {
        boolean cuda = devices.stream().map(d -> d.trim().toLowerCase(Locale.ROOT))
                .anyMatch(d -> d.startsWith("cuda") || d.startsWith("gpu"));
        if (!cuda || prepared) {
            return;
        }
        if (!Files.exists(NVIDIA_DRIVER)) {
            throw new IllegalArgumentException("device " + String.join(",", devices) + " asks for CUDA but this machine "
                    + "has no NVIDIA driver (" + NVIDIA_DRIVER + " does not exist); " + HOW_TO);
        }
        prepared = true;
        String libraryPath = System.getenv("PYTORCH_LIBRARY_PATH");
        if (libraryPath != null && !libraryPath.isBlank()) {
            log.info("CUDA devices {}: loading libtorch from PYTORCH_LIBRARY_PATH={}", devices, libraryPath);
            loadEngine();
            return;
        }
        if (System.getenv("PYTORCH_FLAVOR") == null && System.getProperty("PYTORCH_FLAVOR") == null) {
            System.setProperty("PYTORCH_FLAVOR", CUDA_FLAVOR);
        }
        log.info("CUDA devices {}: using DJL's CUDA libtorch (flavor {}), fetched into its cache on first use", devices,
                System.getProperty("PYTORCH_FLAVOR", System.getenv("PYTORCH_FLAVOR")));
        loadHidingBundledNative();
    }

    /** Loads the engine as DJL does without a native jar on the class path: its download route and cache. */
    static void loadHidingBundledNative() {
        Thread thread = Thread.currentThread();
        ClassLoader original = thread.getContextClassLoader();
        String offline = System.getProperty("ai.djl.offline");
        // ai.djl.offline keeps DJL from fetching models; the one libtorch fetch this route exists for is allowed
        System.setProperty("ai.djl.offline", "false");
        thread.setContextClassLoader(new HidingBundledNative(original != null ? original
                : LibtorchRoute.class.getClassLoader()));
        try {
            loadEngine();
        } finally {
            thread.setContextClassLoader(original);
            if (offline == null) {
                System.clearProperty("ai.djl.offline");
            } else {
                System.setProperty("ai.djl.offline", offline);
            }
        }
    }

    private static void loadEngine() {
        try {
            Engine.getInstance();
        } catch (RuntimeException | Error e) {
            throw new IllegalStateException("cannot load the CUDA libtorch: " + e.getMessage() + "; " + HOW_TO, e);
        }
    }

    /** Where the loaded libtorch lives (its folder names its flavor), for error messages. */
    static String describeLoaded() {
        try {
            return "libtorch " + LibUtils.getVersion() + " from " + LibUtils.getLibtorchPath();
        } catch (RuntimeException e) {
            return "libtorch not loaded";
        }
    }

    /** The context class loader DJL looks for {@value #BUNDLED_NATIVE} in, without that file. */
    private static final class HidingBundledNative extends ClassLoader {
        HidingBundledNative(ClassLoader parent) {
            super(parent);
        }

        @Override
        public URL getResource(String name) {
            return BUNDLED_NATIVE.equals(name) ? null : super.getResource(name);
        }

        @Override
        public Enumeration<URL> getResources(String name) throws IOException {
            return BUNDLED_NATIVE.equals(name) ? Collections.emptyEnumeration() : super.getResources(name);
        }
    }
}
