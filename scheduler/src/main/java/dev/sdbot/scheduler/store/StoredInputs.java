package dev.sdbot.scheduler.store;

import dev.sdbot.inference.api.ControlNetUnit;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.api.InvalidRequestException;
import dev.sdbot.scheduler.JobInputs;
import dev.sdbot.scheduler.images.ImageKeys;
import dev.sdbot.scheduler.images.ImageStore;

import java.util.ArrayList;
import java.util.List;

/**
 * A job's input images (img2img init image, inpainting mask, ControlNet control images) in the image store: written at
 * submit, read by the worker.
 */
public final class StoredInputs {
    /**
     * The one SQL expression (a text[] without nulls, on a jobs row) for the image-store keys a job row holds besides
     * its results: what retention deletes with the row or its images. A new kind of stored input adds its key
     * column(s) here.
     */
    public static final String KEYS_OF_JOB = "array_remove(ARRAY[init_image_key, mask_image_key]"
            + " || COALESCE(control_image_keys, '{}'), NULL)";

    private final ImageStore images;

    public StoredInputs(ImageStore images) {
        this.images = images;
    }

    /** Stores the request's input images under new keys (before the job row exists); NONE when it has none. */
    public JobInputs put(GenerationRequest r) {
        if (r.initImage() == null && r.maskImage() == null && r.controls().isEmpty()) {
            return JobInputs.NONE;
        }
        String init = r.initImage() == null ? null : ImageKeys.newInput("init");
        String mask = r.maskImage() == null ? null : ImageKeys.newInput("mask");
        List<String> controls = new ArrayList<>();
        for (int i = 0; i < r.controls().size(); i++) {
            controls.add(ImageKeys.newInput("control-" + i));
        }
        JobInputs inputs = new JobInputs(init, mask, false, false, controls, false);
        try {
            if (init != null) {
                images.put(init, r.initImage());
            }
            if (mask != null) {
                images.put(mask, r.maskImage());
            }
            for (int i = 0; i < controls.size(); i++) {
                images.put(controls.get(i), r.controls().get(i).image());
            }
        } catch (RuntimeException e) {
            deleteQuietly(inputs, e);
            throw e;
        }
        return inputs;
    }

    /** Removes the images of a job that was not queued after all. */
    public void delete(JobInputs inputs) {
        List<String> keys = inputs.storedKeys();
        if (!keys.isEmpty()) {
            images.delete(keys);
        }
    }

    /** {@link #delete} while another failure is on its way out: a failed delete is added to it, not thrown instead. */
    public void deleteQuietly(JobInputs inputs, Throwable cause) {
        try {
            delete(inputs);
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    /**
     * The request with its stored input images read back; the request's own (from a row older than the image store)
     * are kept.
     *
     * @throws InvalidRequestException when a stored image is gone (purged): the job cannot run as asked, ever
     */
    public GenerationRequest load(GenerationRequest request, JobInputs inputs) throws InvalidRequestException {
        if (inputs.storedKeys().isEmpty()) {
            return request;
        }
        byte[] init = inputs.initKey() == null ? request.initImage() : read(inputs.initKey());
        byte[] mask = inputs.maskKey() == null ? request.maskImage() : read(inputs.maskKey());
        List<ControlNetUnit> controls = request.controls();
        if (!inputs.controlKeys().isEmpty()) {
            List<byte[]> stored = new ArrayList<>();
            for (String key : inputs.controlKeys()) {
                stored.add(read(key));
            }
            controls = ControlUnitRows.withImages(controls, stored);
        }
        return request.toBuilder().images(init, mask).controls(controls).build();
    }

    /** One stored input image, or null when it is gone. */
    public byte[] get(String key) {
        return images.get(key);
    }

    private byte[] read(String key) throws InvalidRequestException {
        byte[] bytes = images.get(key);
        if (bytes == null) {
            throw new InvalidRequestException("the input image " + key + " is no longer stored (" + images.describe() + ")");
        }
        return bytes;
    }
}
