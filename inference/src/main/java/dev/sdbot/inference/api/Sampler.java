package dev.sdbot.inference.api;

import java.util.Arrays;
import java.util.Locale;

/** The samplers the engine reproduces exactly as diffusers does. */
public enum Sampler {
    DDIM("ddim", "DDIM"),
    PLMS("plms", "PLMS"),
    EULER("euler", "Euler"),
    EULER_A("euler_a", "Euler a"),
    LMS("lms", "LMS"),
    DPMPP_2M("dpmpp_2m", "DPM++ 2M"),
    DPMPP_2M_KARRAS("dpmpp_2m_karras", "DPM++ 2M Karras");

    private final String id;
    private final String displayName;

    Sampler(String id, String displayName) {
        this.id = id;
        this.displayName = displayName;
    }

    /** Short id used in commands, the database and the fixtures ("euler_a"). */
    public String id() {
        return id;
    }

    /** The A1111 name written into PNG parameters ("Euler a"). */
    public String displayName() {
        return displayName;
    }

    public static Sampler fromId(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values())
                .filter(s -> s.id.equals(v) || s.displayName.toLowerCase(Locale.ROOT).equals(v) || s.name().toLowerCase(Locale.ROOT).equals(v))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown sampler '" + value + "', expected one of "
                        + Arrays.stream(values()).map(Sampler::id).toList()));
    }
}
