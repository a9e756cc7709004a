package dev.sdbot.bot.features.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.Map;

/** The JSON {@code details} of an audit event. */
final class AuditDetails {
    private static final ObjectMapper JSON = new ObjectMapper();

    private AuditDetails() {
    }

    static String of(Map<String, ?> values) {
        try {
            return JSON.writeValueAsString(values);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("audit details not serialisable", e);
        }
    }
}
