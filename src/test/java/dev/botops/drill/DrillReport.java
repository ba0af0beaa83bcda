package dev.botops.drill;

import dev.botops.drill.DrillVerdict.Check;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a run into {@code docs/drill.md}: the generated blocks between the drill's markers (the last run in
 * full, and one line per run in the history) are replaced; the hand-written text around them is kept.
 */
final class DrillReport {
    static final String LAST_BEGIN = "<!-- drill:last-run:begin -->";
    static final String LAST_END = "<!-- drill:last-run:end -->";
    static final String HISTORY_BEGIN = "<!-- drill:history:begin -->";
    static final String HISTORY_END = "<!-- drill:history:end -->";
    private static final String HISTORY_HEADER = "| run (UTC) | commit | app sources | result | failed checks | length | orders | "
            + "PG restart: /health DOWN / UP | kill → standby holds lease | peak connections |\n|---|---|---|---|---|---|---|---|---|---|\n";
    private static final int HISTORY_ROWS = 12;
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);

    private DrillReport() {
    }

    /** The last run in full, as markdown. */
    static String lastRun(DrillResult r, List<Check> checks) {
        StringBuilder md = new StringBuilder();
        long failed = checks.stream().filter(c -> !c.passed()).count();
        md.append("Run of ").append(WHEN.format(r.startedAt())).append(" UTC, ").append(String.format(Locale.ROOT, "%.0f s", r.seconds()))
                .append(": **").append(failed == 0 ? "PASSED" : "FAILED (" + failed + " of " + checks.size() + " checks)").append("**.\n\n");
        r.environment().forEach((k, v) -> md.append("- ").append(k).append(": ").append(v).append('\n'));
        md.append("- load average at the end: ").append(Environment.loadAverage()).append("\n\n");

        md.append("| check | result | figures |\n|---|---|---|\n");
        for (Check c : checks) {
            md.append("| ").append(c.name()).append(" | ").append(c.passed() ? "pass" : "**FAIL**").append(" | ").append(cell(c.detail())).append(" |\n");
        }

        md.append("\nFaults, one after another (times in seconds; \"after clear\" counts from the moment the fault was over):\n\n")
                .append("| # | fault | at | lasted | /health DOWN after start | /health UP after clear | orders applied after clear "
                        + "| replies caught up after clear | peak connections |\n|---|---|---|---|---|---|---|---|---|\n");
        int n = 1;
        for (FaultResult f : r.faults()) {
            md.append("| ").append(n++).append(" | ").append(f.name()).append(" | ").append(String.format(Locale.ROOT, "%.1f", f.startedAt()))
                    .append(" | ").append(String.format(Locale.ROOT, "%.1f", f.cleared())).append(" | ")
                    .append(f.healthDown() == null ? "stayed UP" : DrillVerdict.seconds(f.healthDown())).append(" (").append(f.instance()).append(") | ")
                    .append(DrillVerdict.seconds(f.healthUp())).append(" | ").append(DrillVerdict.seconds(f.applied())).append(" | ")
                    .append(DrillVerdict.seconds(f.answered())).append(" | ").append(f.peakConnections()).append(" |\n");
        }
        md.append('\n');
        n = 1;
        for (FaultResult f : r.faults()) {
            md.append(n++).append(". **").append(f.name()).append("**: ").append(f.what()).append('.');
            for (String note : f.notes()) {
                md.append(' ').append(capitalised(note)).append('.');
            }
            md.append('\n');
        }

        md.append("\n409 answers the drill did not inject (polls of the app ending each other): ").append(r.conflictsNotInjected())
                .append(".\n");

        DrillResult.Connections c = r.connections();
        md.append("\nConnections (pg_stat_activity every ").append(ConnectionSampler.EVERY.toMillis())
                .append(" ms, each backend attributed to its instance's process by its socket): cap ").append(c.cap())
                .append(" per instance, peaks ").append(c.peaks()).append("; the other client held up to ").append(c.hogPeak())
                .append("; the server had up to ").append(c.serverPeak()).append(" client backends of max_connections ").append(c.serverLimit())
                .append(" (").append(DrillPostgres.SUPERUSER_RESERVED).append(" reserved for superusers).\n");

        ExpiredRows.Findings cl = r.cleanup();
        Map<String, Integer> outcomes = new TreeMap<>();
        cl.runs().forEach(run -> outcomes.merge(run.outcome(), 1, Integer::sum));
        md.append("\nCleanup: ").append(String.format(Locale.ROOT, "%,d", cl.seeded())).append(" expired `message_log` rows seeded in waves of ")
                .append(String.format(Locale.ROOT, "%,d", Drill.WAVE_ROWS)).append(" (one before most faults, so runs met the faults), ")
                .append(cl.runs().size()).append(" cleanup runs: ").append(outcomes).append("; archive files cut short by a kill: ")
                .append(cl.truncatedFiles().isEmpty() ? "none" : String.join(", ", cl.truncatedFiles())).append(".\n");

        DrillResult.Observers o = r.observers();
        md.append("\nExternal monitor: /health answered ").append(o.healthSamples()).append(" polls; /metrics scraped ").append(o.metricsScrapes())
                .append(" times, failed ").append(o.metricsFailures()).append(" (failures are the outage and the killed instance); the bot's "
                        + "counters in each instance's last scrape: ").append(o.botCounters()).append(".\n");

        md.append("\nAdmin chat received ").append(r.adminAlerts().size()).append(" alert messages");
        if (!r.adminAlerts().isEmpty()) {
            md.append(":\n\n");
            r.adminAlerts().stream().limit(12).forEach(a -> md.append("- ").append(a).append('\n'));
            if (r.adminAlerts().size() > 12) {
                md.append("- … ").append(r.adminAlerts().size() - 12).append(" more\n");
            }
        } else {
            md.append(".\n");
        }
        return md.toString();
    }

    /** One line for the history table. */
    static String historyRow(DrillResult r, List<Check> checks) {
        List<String> failed = new ArrayList<>();
        checks.stream().filter(c -> !c.passed()).forEach(c -> failed.add(c.name()));
        FaultResult restart = r.fault(Drill.PG_RESTART);
        String health = restart == null ? "–" : DrillVerdict.seconds(restart.healthDown()) + " / " + DrillVerdict.seconds(restart.healthUp());
        String takeover = r.takeover() == null ? "–" : String.format(Locale.ROOT, "%.2f s", r.takeover().killToLease());
        return "| " + WHEN.format(r.startedAt()) + " | " + r.environment().get("commit") + " | " + cell(r.environment().get("app sources")) + " | "
                + (failed.isEmpty() ? "PASSED" : "**FAILED**") + " | " + (failed.isEmpty() ? "–" : cell(String.join("; ", failed))) + " | "
                + String.format(Locale.ROOT, "%.0f s", r.seconds()) + " | " + String.format(Locale.ROOT, "%,d", r.ledger().orders()) + " | "
                + health + " | " + takeover + " | " + r.connections().peaks() + " |";
    }

    /** A run that could not finish: only the history gets a line. */
    static String abortedRow(String when, Map<String, String> environment, Throwable failure) {
        return "| " + when + " | " + environment.get("commit") + " | " + cell(environment.get("app sources")) + " | **ABORTED** | "
                + cell(String.valueOf(failure)) + " | – | – | – | – | – |";
    }

    /** Replaces the last-run block (when given) and adds the row to the history of {@code file}. */
    static void update(Path file, String lastRun, String historyRow) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            if (lastRun != null) {
                text = replaceBlock(text, LAST_BEGIN, LAST_END, "\n" + lastRun + "\n");
            }
            String history = block(text, HISTORY_BEGIN, HISTORY_END);
            List<String> rows = new ArrayList<>();
            for (String line : history.split("\n")) {
                if (line.startsWith("| 20")) {
                    rows.add(line);
                }
            }
            rows.add(historyRow);
            while (rows.size() > HISTORY_ROWS) {
                rows.remove(0);
            }
            text = replaceBlock(text, HISTORY_BEGIN, HISTORY_END, "\n" + HISTORY_HEADER + String.join("\n", rows) + "\n");
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot update " + file, e);
        }
    }

    private static String block(String text, String begin, String end) {
        int from = text.indexOf(begin);
        int to = text.indexOf(end);
        if (from < 0 || to < from) {
            throw new IllegalStateException("docs/drill.md lacks the markers " + begin + " … " + end);
        }
        return text.substring(from + begin.length(), to);
    }

    private static String replaceBlock(String text, String begin, String end, String content) {
        block(text, begin, end);
        return text.substring(0, text.indexOf(begin) + begin.length()) + content + text.substring(text.indexOf(end));
    }

    private static String cell(String text) {
        return text == null ? "" : text.replace("|", "\\|").replace("\n", " ");
    }

    private static String capitalised(String note) {
        return note.isEmpty() ? note : Character.toUpperCase(note.charAt(0)) + note.substring(1);
    }
}
