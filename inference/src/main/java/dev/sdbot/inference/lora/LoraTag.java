package dev.sdbot.inference.lora;

/**
 * One {@code <lora:name:weight>} of a prompt: A1111's extra-network arguments, the text-encoder weight first and
 * the UNet weight second (equal to the first when absent, 1 when both are absent).
 */
public record LoraTag(String name, double textWeight, double unetWeight) {

    /** The tag as A1111 writes it: one weight when both are equal. */
    public String tag() {
        return "<lora:" + name + ":" + number(textWeight) + (textWeight == unetWeight ? "" : ":" + number(unetWeight)) + ">";
    }

    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
