package dev.sdbot.scheduler.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sdbot.inference.api.ControlMode;
import dev.sdbot.inference.api.ControlNetUnit;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.scheduler.JobInputs;

import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A job's ControlNet units in its row: {@code control_units} (jsonb, the numbers and names) and their control images'
 * keys in the image store, {@code control_image_keys} (text[], same order), or in rows older than V42 the images
 * themselves, {@code control_images} (bytea[]). With neither (retention dropped them) the job reads back without units.
 * A row read carries no control image bytes: its units hold {@link #NOT_LOADED} until {@link StoredInputs#load} (or, for
 * old rows, the claim or {@link JobStore#controlImagesInRow}) puts them in.
 */
final class ControlUnitRows {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The image of a unit read from a row, before its control image is loaded. */
    static final byte[] NOT_LOADED = new byte[0];

    /** One unit without its image, as stored. */
    record Stored(String model, String preprocessor, int cannyLow, int cannyHigh, double weight, double start,
                  double end, String mode) {
    }

    private ControlUnitRows() {
    }

    /** The {@code control_units, control_image_keys} values of a request (bind as {@code ?::jsonb, ?}). */
    static Object[] values(Connection c, GenerationRequest r, JobInputs inputs) throws SQLException {
        if (inputs.controlKeys().size() != r.controls().size()) {
            throw new IllegalStateException(r.controls().size() + " ControlNet units but " + inputs.controlKeys().size()
                    + " stored control images");
        }
        List<Stored> stored = new ArrayList<>();
        for (ControlNetUnit u : r.controls()) {
            stored.add(new Stored(u.model(), u.preprocessor(), u.cannyLow(), u.cannyHigh(), u.weight(), u.start(),
                    u.end(), u.mode().id()));
        }
        try {
            return new Object[] {JSON.writeValueAsString(stored), stored.isEmpty() ? null
                    : c.createArrayOf("text", inputs.controlKeys().toArray())};
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write ControlNet units", e);
        }
    }

    /** The row's units, images {@link #NOT_LOADED} (needs {@code control_image_keys} and {@code controls_in_row}). */
    static List<ControlNetUnit> read(ResultSet rs) throws SQLException {
        if (rs.getArray("control_image_keys") == null && !rs.getBoolean("controls_in_row")) {
            return List.of();
        }
        Stored[] stored;
        try {
            stored = JSON.readValue(rs.getString("control_units"), Stored[].class);
        } catch (JsonProcessingException e) {
            throw new SQLException("unreadable control_units: " + e.getOriginalMessage(), e);
        }
        List<ControlNetUnit> units = new ArrayList<>();
        for (Stored s : stored) {
            units.add(new ControlNetUnit(s.model(), NOT_LOADED, s.preprocessor(), s.cannyLow(), s.cannyHigh(),
                    s.weight(), s.start(), s.end(), ControlMode.fromId(s.mode())));
        }
        return units;
    }

    static List<String> keys(ResultSet rs) throws SQLException {
        Array array = rs.getArray("control_image_keys");
        return array == null ? List.of() : List.of((String[]) array.getArray());
    }

    /** The images of a {@code control_images} bytea[] value (of a row older than V42), or null. */
    static List<byte[]> imagesInRow(Array array) throws SQLException {
        if (array == null) {
            return null;
        }
        List<byte[]> images = new ArrayList<>();
        for (Object image : (Object[]) array.getArray()) {
            images.add((byte[]) image);
        }
        return images;
    }

    /** The units with their control images, in order. */
    static List<ControlNetUnit> withImages(List<ControlNetUnit> units, List<byte[]> images) {
        if (images.size() != units.size()) {
            throw new IllegalStateException(units.size() + " ControlNet units but " + images.size() + " control images");
        }
        List<ControlNetUnit> loaded = new ArrayList<>();
        for (int i = 0; i < units.size(); i++) {
            ControlNetUnit u = units.get(i);
            loaded.add(new ControlNetUnit(u.model(), images.get(i), u.preprocessor(), u.cannyLow(), u.cannyHigh(),
                    u.weight(), u.start(), u.end(), u.mode()));
        }
        return loaded;
    }
}
