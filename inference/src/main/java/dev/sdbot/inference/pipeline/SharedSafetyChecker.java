package dev.sdbot.inference.pipeline;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.sdbot.inference.safety.SafetyChecker;
import dev.sdbot.inference.safety.SafetyCheckerFolder;

/**
 * The checker for models that carry none (single files, SD 2.x, SDXL): loaded on first use, once per generator,
 * into a manager of its own and shared by all those models; it stays loaded, outside the model cache's budget.
 */
final class SharedSafetyChecker implements AutoCloseable {
    private final SafetyCheckerFolder folder;
    private final Device device;
    private NDManager manager;
    private SafetyChecker checker;

    SharedSafetyChecker(SafetyCheckerFolder folder, Device device) {
        this.folder = folder;
        this.device = device;
    }

    synchronized SafetyChecker get() {
        if (checker == null) {
            NDManager m = NDManager.newBaseManager(device);
            try {
                checker = folder.load(m);
            } catch (RuntimeException | Error e) {
                m.close();
                throw e;
            }
            manager = m;
        }
        return checker;
    }

    @Override
    public synchronized void close() {
        if (manager != null) {
            manager.close();
            manager = null;
            checker = null;
        }
    }
}
