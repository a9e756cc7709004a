package dev.sdbot.inference.model;

/** Stable Diffusion generation, which fixes the text encoder kind and the defaults that go with it. */
public enum ModelFamily {
    /** OpenAI CLIP ViT-L/14 text encoder (quick_gelu), pads with end-of-text. */
    SD1,
    /** OpenCLIP ViT-H/14 text encoder (gelu), penultimate layer, pads with "!" (id 0). */
    SD2
}
