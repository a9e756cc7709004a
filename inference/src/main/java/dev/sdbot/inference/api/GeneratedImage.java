package dev.sdbot.inference.api;

/**
 * One generated image.
 *
 * <p>{@code nsfwScores} are the safety checker's concept scores exactly as diffusers' StableDiffusionSafetyChecker
 * computes them, one per NSFW concept (17 for the CompVis checker): {@code round(cos - threshold + adjustment, 3)}
 * in float32, where {@code cos} is the cosine similarity of the image's CLIP embedding with the concept,
 * {@code threshold} the concept's own threshold and {@code adjustment} 0.01 once any special-care concept fired
 * on this image, else 0. The image is FLAGGED iff any score is above 0, i.e. {@code safety ==
 * SafetyVerdict.decide(nsfwScores, 0)}; a guild that shifts the threshold re-decides with
 * {@link SafetyVerdict#withShift(float[], float)} from the stored scores (the special-care adjustment stays as
 * the checker decided it).
 *
 * @param png        PNG bytes with an A1111-style "parameters" text chunk
 * @param seed       the seed this image was generated with
 * @param safety     the safety checker's verdict, {@link SafetyVerdict#UNCHECKED} when no checker ran
 * @param nsfwScores the safety checker's concept scores (empty when no checker ran)
 */
public record GeneratedImage(byte[] png, long seed, SafetyVerdict safety, float[] nsfwScores) {
}
