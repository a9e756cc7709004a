package dev.sdbot.bot.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sdbot.scheduler.JobLogContext;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.MDC;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** SDBOT_LOG_FORMAT's values, and what the production logback.xml writes in each format. */
class LogFormatTest {

    @Test
    void textAndJsonAreTheFormatsAnythingElseIsRefusedWithTheReason() {
        assertThat(LogFormat.problem(null)).isEmpty();
        assertThat(LogFormat.problem("text")).isEmpty();
        assertThat(LogFormat.problem("json")).isEmpty();
        for (String bad : List.of("JSON", "xml", "", "test")) {
            assertThat(LogFormat.problem(bad)).contains("SDBOT_LOG_FORMAT must be 'text' or 'json', not '" + bad + "'");
        }
    }

    @Test
    void textLinesEndWithTheJobsIdsWhileAJobIsHandledAndOthersDoNot() throws Exception {
        List<String> lines = logTwoLines("text");
        assertThat(lines.get(0)).endsWith("INFO  dev.sdbot.test - Job 5 done [job 5 guild 6 worker gpu-1]");
        assertThat(lines.get(1)).endsWith("INFO  dev.sdbot.test - idle");
    }

    @Test
    void jsonLinesCarryTheJobsIdsAsFields() throws Exception {
        List<String> lines = logTwoLines("json");
        JsonNode job = new ObjectMapper().readTree(lines.get(0));
        assertThat(job.path("level").asText()).isEqualTo("INFO");
        assertThat(job.path("formattedMessage").asText()).isEqualTo("Job 5 done");
        assertThat(job.path("mdc").path(JobLogContext.JOB).asText()).isEqualTo("5");
        assertThat(job.path("mdc").path(JobLogContext.GUILD).asText()).isEqualTo("6");
        assertThat(job.path("mdc").path(JobLogContext.WORKER).asText()).isEqualTo("gpu-1");
        JsonNode idle = new ObjectMapper().readTree(lines.get(1));
        assertThat(idle.path("mdc").size()).isZero();
    }

    /** One line inside a job's context and one outside, through logback.xml configured for the format. */
    private static List<String> logTwoLines(String format) throws Exception {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(MDC.getMDCAdapter()); // the one JobLogContext writes to
        context.putProperty(LogFormat.VARIABLE, format); // as the environment variable would
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream stderr = System.err;
        var threadsContext = MDC.getCopyOfContextMap(); // JDA leaves its shard keys on the thread that built a shard manager
        MDC.clear();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            JoranConfigurator configurator = new JoranConfigurator();
            configurator.setContext(context);
            configurator.doConfigure(LogFormatTest.class.getClassLoader().getResource("logback.xml"));
            Logger log = context.getLogger("dev.sdbot.test");
            try (var job = JobLogContext.open(5, 6, "gpu-1")) {
                log.info("Job {} done", 5);
            }
            log.info("idle");
        } finally {
            System.setErr(stderr);
            context.stop();
            if (threadsContext != null) {
                MDC.setContextMap(threadsContext);
            }
        }
        return captured.toString(StandardCharsets.UTF_8).lines().toList();
    }
}
