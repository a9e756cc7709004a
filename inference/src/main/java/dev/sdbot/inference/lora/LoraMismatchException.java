package dev.sdbot.inference.lora;

/** A LoRA whose modules or shapes do not fit the model it is merged into (another architecture, another size). */
public final class LoraMismatchException extends RuntimeException {
    private final String lora;

    public LoraMismatchException(String lora, String message, Throwable cause) {
        super(message, cause);
        this.lora = lora;
    }

    /** The LoRA's name as the prompt gave it. */
    public String lora() {
        return lora;
    }
}
