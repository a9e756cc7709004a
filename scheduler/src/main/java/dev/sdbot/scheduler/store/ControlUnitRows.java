package dev.sdbot.scheduler.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sdbot.inference.api.ControlMode;
import dev.sdbot.inference.api.ControlNetUnit;
import dev.sdbot.inference.api.GenerationRequest;

import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A job's ControlNet units in its row: {@code control_units} (jsonb, the numbers and names) and
 * {@code control_images} (bytea[], the images in the same order; NULL once retention dropped them, and then the
 * job reads back without units).
 */
final class ControlUnitRows {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One unit without its image, as stored. */
    record Stored(String model, String preprocessor, int cannyLow, int cannyHigh, double weight, double start,
                  double end, String mode) {
    }

    private ControlUnitRows() {
    }

    /** The {@code control_units, control_images} values of a request (bind as {@code ?::jsonb, ?::bytea[]}). */
    static Object[] values(Connection c, GenerationRequest r) throws SQLException {
        List<Stored> stored = new ArrayList<>();
        byte[][] images = new byte[r.controls().size()][];
        for (int i = 0; i < r.controls().size(); i++) {
            ControlNetUnit u = r.controls().get(i);
            stored.add(new Stored(u.model(), u.preprocessor(), u.cannyLow(), u.cannyHigh(), u.weight(), u.start(),
                    u.end(), u.mode().id()));
            images[i] = u.image();
        }
        try {
            return new Object[] {JSON.writeValueAsString(stored),
                    images.length == 0 ? null : c.createArrayOf("bytea", images)};
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write ControlNet units", e);
        }
    }

    static List<ControlNetUnit> read(ResultSet rs) throws SQLException {
        Array array = rs.getArray("control_images");
        if (array == null) {
            return List.of();
        }
        Object[] images = (Object[]) array.getArray();
        Stored[] stored;
        try {
            stored = JSON.readValue(rs.getString("control_units"), Stored[].class);
        } catch (JsonProcessingException e) {
            throw new SQLException("unreadable control_units: " + e.getOriginalMessage(), e);
        }
        List<ControlNetUnit> units = new ArrayList<>();
        for (int i = 0; i < stored.length; i++) {
            Stored s = stored[i];
            units.add(new ControlNetUnit(s.model(), (byte[]) images[i], s.preprocessor(), s.cannyLow(), s.cannyHigh(),
                    s.weight(), s.start(), s.end(), ControlMode.fromId(s.mode())));
        }
        return units;
    }
}
