package dev.sdbot.scheduler;

/**
 * Which input images a job has and where they are, without their bytes ({@link JobService#requestWithImages} reads them).
 *
 * @param initKey   image store key of the img2img init image, or null
 * @param maskKey   image store key of the inpainting mask, or null
 * @param initInRow the init image is in the job row itself (a job queued before the image store)
 * @param maskInRow the mask is in the job row itself
 */
public record JobInputs(String initKey, String maskKey, boolean initInRow, boolean maskInRow) {
    public static final JobInputs NONE = new JobInputs(null, null, false, false);

    public boolean hasInit() {
        return initKey != null || initInRow;
    }

    public boolean hasMask() {
        return maskKey != null || maskInRow;
    }
}
