package dev.sdbot.bot.features.console;

import dev.sdbot.db.entity.QuotaRule;
import dev.sdbot.scheduler.ActiveJobs;
import dev.sdbot.scheduler.JobStats.WorkerStats;
import dev.sdbot.scheduler.JobView;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

import static org.apache.commons.text.StringEscapeUtils.escapeHtml4;

/**
 * The console's HTML. Every value from the database or Discord (guild names, prompts, worker and model names, errors)
 * goes through {@link #esc}; the pages load no script but {@code /console/console.js} (see the CSP in
 * {@link AdminConsole}).
 */
final class ConsolePages {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);
    private static final int PROMPT_CHARS = 200;

    /** Marks the body with data-chart="rendered" once every chart image has loaded with pixels (the browser test reads it). */
    static final String SCRIPT = """
            function markCharts() {
              const charts = Array.from(document.querySelectorAll('img.chart'));
              if (charts.length > 0 && charts.every(img => img.complete && img.naturalWidth > 0)) {
                document.body.dataset.chart = 'rendered';
              }
            }
            document.querySelectorAll('img.chart').forEach(img => img.addEventListener('load', markCharts));
            markCharts();
            """;

    private ConsolePages() {
    }

    static String overview(ConsoleSessions.Viewer viewer, ActiveJobs queue, List<WorkerStats> workers,
                           Map<Long, String> guilds) {
        StringBuilder b = new StringBuilder();
        b.append("<h2>Queue").append(viewer.allGuilds() ? " (all guilds)" : " (your guilds)").append("</h2>");
        b.append(table(List.of("State", "Jobs"), queue.perState().entrySet().stream()
                .map(e -> List.of(esc(e.getKey().name()), String.valueOf(e.getValue()))).toList()));
        b.append("<p id=\"oldest-wait\">Oldest queued job has waited: ")
                .append(queue.oldestQueuedWait() == null ? "none queued" : duration(queue.oldestQueuedWait())).append("</p>");
        b.append("<h2>Workers</h2>");
        b.append(table(List.of("Worker", "Host", "Slots", "Busy", "Last seen", "State", "Models", "Families", "Unchecked models"),
                workers.stream().map(w -> List.of(esc(w.id()), esc(w.host()), String.valueOf(w.slots()), String.valueOf(w.busy()),
                        time(w.heartbeatAt()), w.quarantineReason() != null ? "quarantined: " + esc(w.quarantineReason())
                                : w.live() ? "live" : "not live",
                        esc(String.join(", ", w.models())), esc(join(w.modelFamilies())),
                        esc(String.join(", ", w.uncheckedModels())))).toList()));
        b.append("<h2>Guilds</h2>");
        if (guilds.isEmpty()) {
            b.append("<p>No guild to show: you need Manage Server in a guild the bot is in.</p>");
        } else {
            b.append("<ul id=\"guilds\">");
            guilds.forEach((id, name) -> b.append("<li><a href=\"/console/guild/").append(id).append("\">")
                    .append(esc(name)).append("</a> (").append(id).append(")</li>"));
            b.append("</ul>");
        }
        return page("sdbot console", viewer, b.toString());
    }

    static String guild(ConsoleSessions.Viewer viewer, long guildId, String name, List<JobView> jobs,
                        List<QuotaRule> rules, int chartDays) {
        StringBuilder b = new StringBuilder("<p><a href=\"/console\">&larr; overview</a></p>");
        b.append("<h2>Usage, last ").append(chartDays).append(" days</h2>");
        b.append("<img class=\"chart\" id=\"usage-chart\" alt=\"usage chart\" src=\"/console/guild/").append(guildId)
                .append("/usage.png\">");
        b.append("<h2>Quota rules</h2>");
        b.append(rules.isEmpty() ? "<p>No quota rules: members are not limited.</p>"
                : table(List.of("Applies to", "Images/day", "GPU-seconds/day", "Concurrent jobs", "Updated"),
                rules.stream().map(r -> List.of(esc(subject(r)), limit(r.getImagesPerDay()), limit(r.getGpuSecondsPerDay()),
                        limit(r.getConcurrentJobs()), time(r.getUpdatedAt()))).toList()));
        b.append("<h2>Recent jobs</h2>");
        b.append(table(List.of("Job", "State", "Member", "Model", "Prompt", "Created", "Finished", "Worker", "Error"),
                jobs.stream().map(j -> List.of(String.valueOf(j.id()), esc(j.state().name()), String.valueOf(j.origin().userId()),
                        esc(j.request().model()), esc(shorten(j.request().prompt())), time(j.createdAt()), time(j.finishedAt()),
                        esc(j.workerId()), esc(j.error()))).toList()));
        return page(name + " · sdbot console", viewer, b.toString());
    }

    /** The 401/403/400 pages: say what happened and how to get in. */
    static String refusal(String title, String message, String oauthMissing) {
        String login = oauthMissing == null ? "<p><a id=\"login\" href=\"/console/login\">Log in with Discord</a></p>"
                : "<p>" + esc(oauthMissing) + ". Or use a one-time admin link: the file named when sdbot started, or"
                + " <code>./sdbot console-link</code>.</p>";
        return document(title, "<h1>" + esc(title) + "</h1><p id=\"refused\">" + esc(message) + "</p>" + login);
    }

    private static String page(String title, ConsoleSessions.Viewer viewer, String body) {
        return document(title, "<h1>" + esc(title) + "</h1><p class=\"who\">Signed in as " + esc(viewer.who())
                + " · read-only</p><form id=\"logout\" method=\"post\" action=\"/console/logout\">"
                + "<input type=\"hidden\" name=\"csrf\" value=\"" + esc(viewer.csrf()) + "\"><button type=\"submit\">Log out</button>"
                + "</form>" + body + "<script src=\"/console/console.js\"></script>");
    }

    private static String document(String title, String body) {
        return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + esc(title) + "</title>"
                + "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
                + "td,th{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}</style></head><body>"
                + body + "</body></html>";
    }

    private static String table(List<String> headers, List<List<String>> rows) {
        if (rows.isEmpty()) {
            return "<p>None.</p>";
        }
        StringBuilder b = new StringBuilder("<table><tr>");
        headers.forEach(h -> b.append("<th>").append(esc(h)).append("</th>"));
        b.append("</tr>");
        rows.forEach(row -> {
            b.append("<tr>");
            row.forEach(cell -> b.append("<td>").append(cell).append("</td>"));
            b.append("</tr>");
        });
        return b.append("</table>").toString();
    }

    static String esc(String text) {
        return text == null ? "" : escapeHtml4(text);
    }

    private static String subject(QuotaRule rule) {
        return switch (rule.getScope()) {
            case GUILD_DEFAULT -> "everyone (guild default)";
            case ROLE -> "role " + rule.getSubjectId();
            case USER -> "member " + rule.getSubjectId();
        };
    }

    private static String limit(Integer value) {
        return value == null ? "no limit" : String.valueOf(value);
    }

    private static String shorten(String prompt) {
        return prompt == null || prompt.length() <= PROMPT_CHARS ? prompt : prompt.substring(0, PROMPT_CHARS - 1) + "…";
    }

    private static String time(Instant t) {
        return t == null ? "" : TIME.format(t);
    }

    private static String duration(Duration d) {
        long s = d.toSeconds();
        return s < 120 ? s + " s" : s < 7200 ? (s / 60) + " min" : (s / 3600) + " h " + (s % 3600 / 60) + " min";
    }

    private static String join(Map<String, String> families) {
        return String.join(", ", families.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
    }
}
