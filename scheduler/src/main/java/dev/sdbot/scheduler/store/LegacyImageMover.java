package dev.sdbot.scheduler.store;

import dev.sdbot.scheduler.images.ImageKeys;
import dev.sdbot.scheduler.images.ImageStore;

import javax.sql.DataSource;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

/**
 * Moves the images of rows written before the image store (V34: result PNGs in job_results.png, init images and masks
 * in jobs; V42: ControlNet control images in jobs) into the store, in batches walked in key order. Each image is
 * written to the store first, under a key fixed by its row ({@link ImageKeys#result}, {@link ImageKeys#movedInput}), then the row takes the key and drops its bytes:
 * a move that stops in between leaves bytes in the row and the same object written again by the next run, never an
 * image lost.
 */
public final class LegacyImageMover {
    /** Images (result rows) or jobs (input rows) found, and their bytes. */
    public record Count(long results, long resultBytes, long jobs, long inputBytes) {
        public Count plus(Count o) {
            return new Count(results + o.results, resultBytes + o.resultBytes, jobs + o.jobs, inputBytes + o.inputBytes);
        }
    }

    /** A job row that holds input images itself. */
    private static final String IN_ROW = "(init_image IS NOT NULL OR mask_image IS NOT NULL OR control_images IS NOT NULL)";

    private final DataSource dataSource;
    private final ImageStore images;

    public LegacyImageMover(DataSource dataSource, ImageStore images) {
        this.dataSource = dataSource;
        this.images = images;
    }

    /** What a move would move now. */
    public Count count() {
        return Sql.withConnection(dataSource, "count images held in rows", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT (SELECT count(*) FROM job_results WHERE png IS NOT NULL),"
                    + " (SELECT COALESCE(sum(octet_length(png)), 0) FROM job_results WHERE png IS NOT NULL),"
                    + " (SELECT count(*) FROM jobs WHERE " + IN_ROW + "),"
                    + " (SELECT COALESCE(sum(COALESCE(octet_length(init_image), 0) + COALESCE(octet_length(mask_image), 0)"
                    + " + COALESCE((SELECT sum(octet_length(i)) FROM unnest(control_images) i), 0)), 0)"
                    + " FROM jobs WHERE " + IN_ROW + ")");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Count(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4));
            }
        });
    }

    /** Moves everything, {@code batch} rows per read; returns what it moved. */
    public Count moveAll(int batch) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be at least 1, got " + batch);
        }
        return moveResults(batch).plus(moveInputs(batch));
    }

    private Count moveResults(int batch) {
        record Image(long jobId, int index, int attempt, byte[] png) {
        }
        long moved = 0;
        long bytes = 0;
        long afterJob = -1;
        int afterIndex = -1;
        List<Image> found;
        do {
            long fromJob = afterJob;
            int fromIndex = afterIndex;
            found = Sql.withConnection(dataSource, "read images held in result rows", c -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT job_id, image_index, attempt, png FROM job_results"
                        + " WHERE png IS NOT NULL AND (job_id, image_index) > (?, ?) ORDER BY job_id, image_index LIMIT ?")) {
                    Sql.bind(ps, fromJob, fromIndex, batch);
                    List<Image> rows = new ArrayList<>();
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            rows.add(new Image(rs.getLong(1), rs.getInt(2), rs.getInt(3), rs.getBytes(4)));
                        }
                    }
                    return rows;
                }
            });
            for (Image image : found) {
                String key = ImageKeys.result(image.jobId(), image.attempt(), image.index());
                images.put(key, image.png());
                int updated = Sql.update(dataSource, "point a result row at its stored image", "UPDATE job_results"
                        + " SET image_key = ?, png = NULL WHERE job_id = ? AND image_index = ? AND png IS NOT NULL",
                        key, image.jobId(), image.index());
                if (updated == 1) {
                    moved++;
                    bytes += image.png().length;
                } else {
                    images.delete(List.of(key)); // retention purged the row meanwhile: no row will name this object
                }
                afterJob = image.jobId();
                afterIndex = image.index();
            }
        } while (found.size() == batch);
        return new Count(moved, bytes, 0, 0);
    }

    private Count moveInputs(int batch) {
        record Inputs(long id, byte[] init, byte[] mask, List<byte[]> controls) {
            long bytes() {
                return (init == null ? 0 : init.length) + (mask == null ? 0 : mask.length)
                        + (controls == null ? 0 : controls.stream().mapToLong(c -> c.length).sum());
            }
        }
        long moved = 0;
        long bytes = 0;
        long after = -1;
        List<Inputs> found;
        do {
            long from = after;
            found = Sql.withConnection(dataSource, "read images held in job rows", c -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT id, init_image, mask_image, control_images FROM jobs"
                        + " WHERE " + IN_ROW + " AND id > ? ORDER BY id LIMIT ?")) {
                    Sql.bind(ps, from, batch);
                    List<Inputs> rows = new ArrayList<>();
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            rows.add(new Inputs(rs.getLong(1), rs.getBytes(2), rs.getBytes(3),
                                    ControlUnitRows.imagesInRow(rs.getArray(4))));
                        }
                    }
                    return rows;
                }
            });
            for (Inputs job : found) {
                List<String> keys = new ArrayList<>();
                String init = job.init() == null ? null : ImageKeys.movedInput(job.id(), "init");
                String mask = job.mask() == null ? null : ImageKeys.movedInput(job.id(), "mask");
                if (init != null) {
                    images.put(init, job.init());
                    keys.add(init);
                }
                if (mask != null) {
                    images.put(mask, job.mask());
                    keys.add(mask);
                }
                List<String> controls = null;
                if (job.controls() != null) {
                    controls = new ArrayList<>();
                    for (int i = 0; i < job.controls().size(); i++) {
                        String key = ImageKeys.movedInput(job.id(), "control-" + i);
                        images.put(key, job.controls().get(i));
                        controls.add(key);
                    }
                    keys.addAll(controls);
                }
                List<String> controlKeys = controls;
                // one statement: a worker reading the row sees either the bytes or the keys, never neither
                int updated = Sql.withConnection(dataSource, "point a job row at its stored inputs", c -> {
                    try (PreparedStatement ps = c.prepareStatement("UPDATE jobs SET init_image_key = COALESCE(?::text,"
                            + " init_image_key), mask_image_key = COALESCE(?::text, mask_image_key), control_image_keys ="
                            + " COALESCE(?::text[], control_image_keys), init_image = NULL, mask_image = NULL,"
                            + " control_images = NULL WHERE id = ? AND " + IN_ROW)) {
                        Sql.bind(ps, init, mask, controlKeys == null ? null : c.createArrayOf("text", controlKeys.toArray()),
                                job.id());
                        return ps.executeUpdate();
                    }
                });
                if (updated == 1) {
                    moved++;
                    bytes += job.bytes();
                } else {
                    images.delete(keys); // purged or deleted meanwhile
                }
                after = job.id();
            }
        } while (found.size() == batch);
        return new Count(0, 0, moved, bytes);
    }
}
