package dev.sdbot.bot.features.admin;

import dev.sdbot.scheduler.usage.LedgerEntry;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AdminExportCsvTest {
    @Test
    void fieldsWithSeparatorsQuotesAndLineBreaksRoundTrip() throws IOException {
        LedgerEntry tricky = new LedgerEntry(Instant.parse("2026-03-04T12:00:00.123Z"), LocalDate.of(2026, 3, 4), 7, 2, 99,
                "gpu,0", "my \"best\"\nmodel", "SUCCEEDED", 4, 1234);
        LedgerEntry noWorker = new LedgerEntry(Instant.parse("2026-03-04T12:00:01Z"), LocalDate.of(2026, 3, 4), 8, 1, 98,
                null, "m", "CANCELLED", 0, 5);
        byte[] csv = AdminExport.csv(List.of(tricky, noWorker));
        List<CSVRecord> rows = CSVFormat.Builder.create(CSVFormat.RFC4180).setHeader().setSkipHeaderRecord(true).get()
                .parse(new StringReader(new String(csv, StandardCharsets.UTF_8))).getRecords();
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).getParser().getHeaderNames()).containsExactly(AdminExport.COLUMNS);
        assertThat(rows.get(0).get("recorded_at")).isEqualTo("2026-03-04T12:00:00.123Z");
        assertThat(rows.get(0).get("worker_id")).isEqualTo("gpu,0");
        assertThat(rows.get(0).get("model")).isEqualTo("my \"best\"\nmodel");
        assertThat(rows.get(0).get("gpu_ms")).isEqualTo("1234");
        assertThat(rows.get(1).get("worker_id")).isEmpty();
        assertThat(rows.get(1).get("outcome")).isEqualTo("CANCELLED");
    }
}
