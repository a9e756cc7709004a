package dev.sdbot.scheduler;

import java.util.List;

/**
 * Which input images a job has and where they are, without their bytes ({@link JobService#requestWithImages} reads them).
 *
 * @param initKey       image store key of the img2img init image, or null
 * @param maskKey       image store key of the inpainting mask, or null
 * @param initInRow     the init image is in the job row itself (a job queued before the image store)
 * @param maskInRow     the mask is in the job row itself
 * @param controlKeys   image store keys of the ControlNet units' control images, in unit order (empty: none stored)
 * @param controlsInRow the control images are in the job row itself (a job queued before V42)
 */
public record JobInputs(String initKey, String maskKey, boolean initInRow, boolean maskInRow, List<String> controlKeys,
                        boolean controlsInRow) {
    public static final JobInputs NONE = new JobInputs(null, null, false, false, List.of(), false);

    public JobInputs {
        controlKeys = controlKeys == null ? List.of() : List.copyOf(controlKeys);
    }

    public boolean hasInit() {
        return initKey != null || initInRow;
    }

    public boolean hasMask() {
        return maskKey != null || maskInRow;
    }

    /** Every image store key of the job's inputs. */
    public List<String> storedKeys() {
        List<String> keys = new java.util.ArrayList<>(controlKeys.size() + 2);
        if (initKey != null) {
            keys.add(initKey);
        }
        if (maskKey != null) {
            keys.add(maskKey);
        }
        keys.addAll(controlKeys);
        return keys;
    }
}
