package dev.botops.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.botops.bot.BotStatus;
import dev.botops.config.Sizes;
import dev.botops.maintenance.MaintenanceService;
import dev.botops.maintenance.RunRecord;
import dev.botops.monitor.Alert;
import dev.botops.monitor.AlertRules;
import dev.botops.monitor.DatabaseSnapshot;
import dev.botops.monitor.DatabaseSnapshot.Connections;
import dev.botops.monitor.DatabaseSnapshot.Storage;
import dev.botops.monitor.DatabaseSnapshot.TableStats;
import dev.botops.monitor.HealthReport;
import java.time.Instant;
import java.util.Locale;

/**
 * The JSON bodies of {@code /health} (short) and {@code /database/health} (detailed, in the Spring Boot
 * Actuator shape {@code {"status", "components": {name: {"status", "details"}}}} that monitoring tools parse).
 */
final class HealthJson {
    private HealthJson() {
    }

    /** {@code /health}: the verdict, its reasons and the headline figures. */
    static ObjectNode summary(CachedState state, HealthVerdict verdict) {
        ObjectNode body = HttpJson.MAPPER.createObjectNode();
        body.put("status", verdict.status().name());
        body.put("summary", summaryLine(state, verdict));
        ArrayNode reasons = body.putArray("reasons");
        verdict.reasons().forEach(reasons::add);
        DatabaseSnapshot latest = state.latest();
        if (latest != null && latest.reachable()) {
            Storage storage = latest.storage();
            ObjectNode database = body.putObject("database");
            database.put("sizeBytes", storage.databaseBytes());
            database.put("quotaBytes", storage.quotaBytes());
            database.put("quotaPercent", HttpJson.round1(storage.percentUsed()));
            ObjectNode connections = body.putObject("connections");
            connections.put("used", latest.connections().total());
            connections.put("usable", latest.connections().limit().usable());
            connections.put("percent", HttpJson.round1(latest.connections().percentUsed()));
        }
        body.put("bot", state.botState());
        body.put("scheduler", state.schedulerState());
        body.put("snapshotAt", latest == null ? null : latest.takenAt().toString());
        return body;
    }

    private static String summaryLine(CachedState state, HealthVerdict verdict) {
        StringBuilder line = new StringBuilder(verdict.status().name()).append(": ");
        DatabaseSnapshot latest = state.current();
        if (latest != null) {
            Storage storage = latest.storage();
            line.append(String.format(Locale.ROOT, "database %s (%.1f %% of the %s quota), connections %.1f %%", Sizes.format(storage.databaseBytes()),
                    storage.percentUsed(), Sizes.format(storage.quotaBytes()), latest.connections().percentUsed()));
        } else {
            line.append(verdict.reasons().get(0));
        }
        line.append("; bot ").append(state.botState()).append("; scheduler ").append(state.schedulerState());
        line.append("; snapshot ").append(state.latest() == null ? "none" : state.latest().takenAt().toString());
        return line.toString();
    }

    /** {@code /database/health}: every figure the endpoint has, grouped into components. */
    static ObjectNode details(CachedState state, HealthVerdict verdict, RecentRuns.View runs, HealthSources sources) {
        ObjectNode body = HttpJson.MAPPER.createObjectNode();
        body.put("status", verdict.status().name());
        ArrayNode reasons = body.putArray("reasons");
        verdict.reasons().forEach(reasons::add);
        ObjectNode components = body.putObject("components");
        db(components, state, sources);
        DatabaseSnapshot figures = state.figures();
        storage(components, state, figures);
        connections(components, state, figures);
        alerts(components, state);
        maintenance(components, state, runs);
        bot(components, state);
        return body;
    }

    private static ObjectNode component(ObjectNode components, String name, HealthStatus status) {
        ObjectNode component = components.putObject(name);
        component.put("status", status.name());
        return component.putObject("details");
    }

    /** The worst status among the active alerts of one component. */
    private static HealthStatus statusOf(CachedState state, String component) {
        HealthStatus status = HealthStatus.UP;
        for (Alert alert : state.alerts()) {
            if (component.equals(componentOf(alert.ruleId()))) {
                status = status.worst(HealthStatus.of(alert.severity()));
            }
        }
        return status;
    }

    /** Which component an alert rule belongs to; rules of other parts are listed under "alerts" only. */
    static String componentOf(String ruleId) {
        if (ruleId.equals(AlertRules.UNREACHABLE) || ruleId.equals(AlertRules.MONITOR_FAILED)) {
            return "db";
        }
        if (ruleId.equals(AlertRules.STORAGE) || ruleId.equals(AlertRules.FORECAST) || ruleId.equals(AlertRules.XID_AGE)
                || ruleId.startsWith(AlertRules.DEAD_ROWS_PREFIX)) {
            return "storage";
        }
        if (ruleId.equals(AlertRules.CONNECTIONS) || ruleId.equals(AlertRules.IDLE_IN_TRANSACTION) || ruleId.equals(AlertRules.LONG_QUERY)) {
            return "connections";
        }
        if (ruleId.equals(MaintenanceService.ALERT_RULE)) {
            return "maintenance";
        }
        if (ruleId.startsWith("bot-")) {
            return "bot";
        }
        return "alerts";
    }

    private static void db(ObjectNode components, CachedState state, HealthSources sources) {
        DatabaseSnapshot latest = state.latest();
        HealthStatus status = latest == null || state.stale() || !latest.reachable() ? HealthStatus.DOWN : statusOf(state, "db");
        ObjectNode details = component(components, "db", status);
        details.put("database", sources.database());
        details.put("schemaVersion", sources.schemaVersion());
        if (latest == null) {
            details.put("snapshot", "none yet");
            return;
        }
        details.put("snapshotAt", latest.takenAt().toString());
        details.put("snapshotState", latest.state().name());
        details.put("stale", state.stale());
        details.put("staleAfter", state.staleAfter().toString());
        details.put("snapshotTook", latest.elapsed().toString());
        if (latest.error() != null) {
            details.put("error", latest.error());
        }
        if (latest.server() != null) {
            details.set("server", HttpJson.MAPPER.valueToTree(latest.server()));
        }
    }

    private static void storage(ObjectNode components, CachedState state, DatabaseSnapshot figures) {
        ObjectNode details = component(components, "storage", figures == null ? HealthStatus.DOWN : statusOf(state, "storage"));
        if (figures == null) {
            return;
        }
        figuresAt(details, state, figures);
        Storage storage = figures.storage();
        details.put("sizeBytes", storage.databaseBytes());
        details.put("size", Sizes.format(storage.databaseBytes()));
        details.put("quotaBytes", storage.quotaBytes());
        details.put("quota", Sizes.format(storage.quotaBytes()));
        details.put("percentUsed", HttpJson.round1(storage.percentUsed()));
        details.set("forecast", state.forecast() == null ? null : HttpJson.MAPPER.valueToTree(state.forecast()));
        ArrayNode tables = details.putArray("topTables");
        for (TableStats table : figures.tables().subList(0, Math.min(HealthReport.TOP_TABLES, figures.tables().size()))) {
            ObjectNode t = tables.addObject();
            t.put("table", table.displayName());
            t.put("partitionOf", table.partitionOf());
            t.put("totalBytes", table.totalBytes());
            t.put("size", Sizes.format(table.totalBytes()));
            t.put("heapBytes", table.heapBytes());
            t.put("indexBytes", table.indexBytes());
            t.put("toastBytes", table.toastBytes());
            t.put("estimatedRows", table.estimatedRows());
            t.put("deadRows", table.deadRows());
            t.put("deadPercent", HttpJson.round1(table.deadPercent()));
            t.put("lastVacuum", latestOf(table.lastVacuum(), table.lastAutovacuum()));
            t.put("lastAnalyze", latestOf(table.lastAnalyze(), table.lastAutoanalyze()));
        }
    }

    private static String latestOf(Instant manual, Instant auto) {
        Instant latest = manual == null ? auto : auto == null || manual.isAfter(auto) ? manual : auto;
        return latest == null ? null : latest.toString();
    }

    private static void connections(ObjectNode components, CachedState state, DatabaseSnapshot figures) {
        ObjectNode details = component(components, "connections", figures == null ? HealthStatus.DOWN : statusOf(state, "connections"));
        if (figures == null) {
            return;
        }
        figuresAt(details, state, figures);
        Connections c = figures.connections();
        details.put("total", c.total());
        details.put("usable", c.limit().usable());
        details.put("percentUsed", HttpJson.round1(c.percentUsed()));
        ObjectNode byState = details.putObject("byState");
        byState.put("active", c.active());
        byState.put("idle", c.idle());
        byState.put("idleInTransaction", c.idleInTransaction());
        byState.put("other", c.other());
        details.put("ours", c.ours());
        details.put("others", c.others());
        details.set("limit", HttpJson.MAPPER.valueToTree(c.limit()));
        details.set("sessions", HttpJson.MAPPER.valueToTree(figures.sessions()));
    }

    /** Says when the figures were taken when they are not the latest snapshot's (the database cannot be read now). */
    private static void figuresAt(ObjectNode details, CachedState state, DatabaseSnapshot figures) {
        details.put("figuresAt", figures.takenAt().toString());
        details.put("lastKnown", figures != state.latest());
    }

    private static void alerts(ObjectNode components, CachedState state) {
        HealthStatus worst = HealthStatus.UP;
        for (Alert alert : state.alerts()) {
            worst = worst.worst(HealthStatus.of(alert.severity()));
        }
        ObjectNode details = component(components, "alerts", worst);
        ArrayNode active = details.putArray("active");
        for (Alert alert : state.alerts()) {
            ObjectNode a = active.addObject();
            a.put("rule", alert.ruleId());
            a.put("severity", alert.severity().name());
            a.put("message", alert.message());
            a.put("hint", alert.hint());
            a.put("firstSeen", alert.firstSeen().toString());
            a.put("lastSeen", alert.lastSeen().toString());
        }
    }

    private static void maintenance(ObjectNode components, CachedState state, RecentRuns.View runs) {
        ObjectNode details = component(components, "maintenance", statusOf(state, "maintenance"));
        details.put("scheduler", state.schedulerState());
        details.set("jobs", HttpJson.MAPPER.valueToTree(state.scheduler().jobs()));
        details.put("activeRunId", state.activeRunId());
        details.put("runsReadAt", runs.asOf() == null ? null : runs.asOf().toString());
        if (runs.error() != null) {
            details.put("runsError", runs.error());
        }
        ArrayNode last = details.putArray("lastRuns");
        for (RunRecord run : runs.runs()) {
            last.add(RunJson.summary(run));
        }
    }

    private static void bot(ObjectNode components, CachedState state) {
        BotStatus bot = state.bot();
        ObjectNode details = component(components, "bot", statusOf(state, "bot"));
        details.put("state", state.botState());
        if (bot == null) {
            return;
        }
        details.put("reason", bot.reason());
        details.put("since", bot.since().toString());
        details.put("sandbox", bot.sandbox());
        details.put("username", bot.botUsername());
        details.put("updatesProcessed", bot.updates());
        details.put("errors", bot.errors());
        details.put("conflicts409", bot.conflicts());
        details.put("rateLimited429", bot.rateLimited());
        details.put("unreadableAnswers", bot.unreadableAnswers());
        details.put("updatesPerMinute", bot.updatesPerMinute());
        details.put("sendQueue", bot.sendQueue());
        details.put("lastError", bot.lastError());
        bot.activeHolder().ifPresent(holder -> {
            ObjectNode h = details.putObject("leaseHolder");
            h.put("holderId", holder.holderId());
            h.put("host", holder.host());
            h.put("pid", holder.pid());
            h.put("expiresAt", holder.expiresAt().toString());
        });
    }
}
