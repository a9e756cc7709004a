package dev.sdbot.inference.api;

/**
 * One generated image.
 *
 * @param png        PNG bytes with an A1111-style "parameters" text chunk
 * @param seed       the seed this image was generated with
 * @param safety     the safety checker's verdict, {@link SafetyVerdict#UNCHECKED} when no checker ran
 * @param nsfwScores the safety checker's concept scores (empty when no checker ran)
 */
public record GeneratedImage(byte[] png, long seed, SafetyVerdict safety, float[] nsfwScores) {
}
