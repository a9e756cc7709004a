package dev.sdbot.inference.model;

/** Everything needed to build the networks and the scheduler of one checkpoint. */
public record ModelDescription(
        ModelFamily family,
        UNetConfig unet,
        VaeConfig vae,
        TextEncoderConfig textEncoder,
        SchedulerConfig scheduler) {

    public boolean inpainting() {
        return unet.isInpainting();
    }

    public String predictionType() {
        return scheduler.predictionType();
    }
}
