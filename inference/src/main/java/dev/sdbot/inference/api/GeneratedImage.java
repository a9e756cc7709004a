package dev.sdbot.inference.api;

/**
 * One generated image.
 *
 * @param png        PNG bytes with an A1111-style "parameters" text chunk
 * @param seed       the seed this image was generated with
 * @param nsfw       true when the safety checker flagged the image
 * @param nsfwScores the safety checker's concept scores (empty when the model has no checker)
 */
public record GeneratedImage(byte[] png, long seed, boolean nsfw, float[] nsfwScores) {
}
