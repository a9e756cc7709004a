package dev.sdbot.inference.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resident memory of this process from {@code /proc/self/status} (Linux); -1 where it cannot be read. */
public final class ProcessMemory {
    private ProcessMemory() {
    }

    /** Current resident set (VmRSS), bytes: Java heap, native libtorch tensors and mapped files that were touched. */
    public static long residentBytes() {
        return field("VmRSS:");
    }

    /** Peak resident set (VmHWM), bytes. */
    public static long peakResidentBytes() {
        return field("VmHWM:");
    }

    /**
     * Resets the peak (VmHWM) to the current resident set, so a later {@link #peakResidentBytes()} is the peak of what
     * ran in between (Linux: {@code echo 5 > /proc/self/clear_refs}).
     *
     * @return false where the kernel does not allow it; the peak then covers the whole process life
     */
    public static boolean resetPeak() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static long field(String name) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(name)) {
                    String[] parts = line.substring(name.length()).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024; // always kB
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
