package dev.sdbot.inference.api;

/** The architecture a checkpoint belongs to, as read from its weights or configs (never its file name). */
public enum ModelFamily {
    SD1("SD1"), SD2("SD2"), SDXL("SDXL");

    private final String label;

    ModelFamily(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
