package dev.botops.http;

import dev.botops.bot.BotState;
import dev.botops.bot.BotStatus;
import dev.botops.maintenance.RunRecord;
import dev.botops.monitor.Alert;
import dev.botops.monitor.DatabaseSnapshot;
import dev.botops.monitor.DatabaseSnapshot.Connections;
import dev.botops.monitor.DatabaseSnapshot.TableStats;
import dev.botops.monitor.Severity;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Locale;
import java.util.function.ToLongFunction;

/**
 * {@code /metrics}: the figures of {@code /database/health} as Prometheus metrics, from the official client.
 * Every metric is a callback on a registry of its own (not the client's static default registry), reading the
 * state captured for the scrape in progress; scrapes are serialised so that all callbacks of one scrape see
 * the same state.
 */
final class PrometheusMetrics {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    // Written and read only inside scrape(), under its lock.
    private CachedState state;
    private HealthVerdict verdict;
    private RecentRuns.View runs;

    PrometheusMetrics() {
        registerHealth();
        registerDatabase();
        registerTables();
        registerAlerts();
        registerMaintenance();
        registerBot();
    }

    String contentType() {
        return writer.getContentType();
    }

    synchronized byte[] scrape(CachedState scrapeState, HealthVerdict scrapeVerdict, RecentRuns.View scrapeRuns) {
        this.state = scrapeState;
        this.verdict = scrapeVerdict;
        this.runs = scrapeRuns;
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
            writer.write(out, registry.scrape());
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        } finally {
            this.state = null;
            this.verdict = null;
            this.runs = null;
        }
    }

    private void registerHealth() {
        GaugeWithCallback.builder().name("botops_health_status").labelNames("status")
                .help("1 for the status /health answers now (UP, WARN or DOWN), 0 for the others.")
                .callback(cb -> {
                    for (HealthStatus status : HealthStatus.values()) {
                        cb.call(status == verdict.status() ? 1 : 0, status.name());
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("botops_database_up")
                .help("1 when the latest database snapshot is fresh and could be taken, else 0.")
                .callback(cb -> cb.call(state.current() == null ? 0 : 1)).register(registry);
        GaugeWithCallback.builder().name("botops_snapshot_timestamp").unit(Unit.SECONDS)
                .help("When the monitor took its latest snapshot (Unix time).")
                .callback(cb -> {
                    if (state.latest() != null) {
                        cb.call(state.latest().takenAt().toEpochMilli() / 1000.0);
                    }
                }).register(registry);
    }

    private void registerDatabase() {
        GaugeWithCallback.builder().name("botops_database_size").unit(Unit.BYTES)
                .help("pg_database_size of the bot's database (last known while it cannot be read).")
                .callback(cb -> withFigures(f -> cb.call(f.storage().databaseBytes()))).register(registry);
        GaugeWithCallback.builder().name("botops_database_quota").unit(Unit.BYTES)
                .help("The plan's storage quota (limits.storage-quota).")
                .callback(cb -> withFigures(f -> cb.call(f.storage().quotaBytes()))).register(registry);
        GaugeWithCallback.builder().name("botops_database_connections").labelNames("state")
                .help("Client connections on the server by state.")
                .callback(cb -> withFigures(f -> {
                    Connections c = f.connections();
                    cb.call(c.active(), "active");
                    cb.call(c.idle(), "idle");
                    cb.call(c.idleInTransaction(), "idle_in_transaction");
                    cb.call(c.other(), "other");
                })).register(registry);
        GaugeWithCallback.builder().name("botops_database_connections_by_owner").labelNames("owner")
                .help("Client connections on the server: this app's (ours) and everybody else's (others).")
                .callback(cb -> withFigures(f -> {
                    cb.call(f.connections().ours(), "ours");
                    cb.call(f.connections().others(), "others");
                })).register(registry);
        GaugeWithCallback.builder().name("botops_database_connections_usable")
                .help("The usable connection limit: max_connections less reserved slots, role, database and plan limits.")
                .callback(cb -> withFigures(f -> cb.call(f.connections().limit().usable()))).register(registry);
    }

    private void registerTables() {
        GaugeWithCallback.builder().name("botops_table_size").unit(Unit.BYTES).labelNames("schema", "table")
                .help("Total size of a table: heap, indexes and TOAST (partitions one by one).")
                .callback(cb -> withFigures(f -> {
                    for (TableStats t : f.tables()) {
                        cb.call(t.totalBytes(), t.schema(), t.name());
                    }
                })).register(registry);
        GaugeWithCallback.builder().name("botops_table_dead_rows").labelNames("schema", "table")
                .help("Dead rows of a table (pg_stat_user_tables.n_dead_tup).")
                .callback(cb -> withFigures(f -> {
                    for (TableStats t : f.tables()) {
                        cb.call(t.deadRows(), t.schema(), t.name());
                    }
                })).register(registry);
    }

    private void registerAlerts() {
        GaugeWithCallback.builder().name("botops_alerts_active").labelNames("severity")
                .help("Active alerts by severity.")
                .callback(cb -> {
                    for (Severity severity : Severity.values()) {
                        cb.call(state.alerts().stream().map(Alert::severity).filter(severity::equals).count(), label(severity));
                    }
                }).register(registry);
    }

    private void registerMaintenance() {
        GaugeWithCallback.builder().name("botops_maintenance_runs").labelNames("outcome")
                .help("Maintenance runs in the run log by outcome (the log keeps its retention period).")
                .callback(cb -> runs.counts().forEach((outcome, count) -> cb.call(count, label(outcome)))).register(registry);
        GaugeWithCallback.builder().name("botops_maintenance_running")
                .help("1 while a maintenance run executes in this instance.")
                .callback(cb -> cb.call(state.activeRunId() == null ? 0 : 1)).register(registry);
        GaugeWithCallback.builder().name("botops_maintenance_last_run_duration").unit(Unit.SECONDS)
                .help("How long the last finished maintenance run took.")
                .callback(cb -> runs.lastFinished().ifPresent(r ->
                        cb.call(Duration.between(r.startedAt(), r.finishedAt()).toMillis() / 1000.0))).register(registry);
        GaugeWithCallback.builder().name("botops_maintenance_last_run_rows_deleted")
                .help("Rows the last finished maintenance run deleted (or, for a dry run, would delete).")
                .callback(cb -> runs.lastFinished().ifPresent(r -> cb.call(r.rowsDeleted()))).register(registry);
        GaugeWithCallback.builder().name("botops_maintenance_last_run_timestamp").unit(Unit.SECONDS)
                .help("When the last finished maintenance run ended (Unix time).")
                .callback(cb -> runs.lastFinished().map(RunRecord::finishedAt).ifPresent(t -> cb.call(t.toEpochMilli() / 1000.0)))
                .register(registry);
    }

    private void registerBot() {
        botCounter("botops_bot_updates", "Telegram updates the bot processed since this process started.", BotStatus::updates);
        botCounter("botops_bot_errors", "Failed polls, updates and sends since this process started.", BotStatus::errors);
        botCounter("botops_bot_conflicts", "HTTP 409 Conflict answers from the Bot API (another poller or a webhook).", BotStatus::conflicts);
        botCounter("botops_bot_rate_limited", "HTTP 429 Too Many Requests answers from the Bot API.", BotStatus::rateLimited);
        botCounter("botops_bot_unreadable_answers", "2xx answers from the Bot API the client could not read (carried out, never sent again).",
                BotStatus::unreadableAnswers);
        GaugeWithCallback.builder().name("botops_bot_state").labelNames("state")
                .help("1 for the bot's current state, 0 for the others; no samples when the bot does not run here.")
                .callback(cb -> {
                    if (state.bot() != null) {
                        for (BotState s : BotState.values()) {
                            cb.call(s == state.bot().state() ? 1 : 0, label(s));
                        }
                    }
                }).register(registry);
    }

    private void botCounter(String name, String help, ToLongFunction<BotStatus> value) {
        CounterWithCallback.builder().name(name).help(help)
                .callback(cb -> {
                    if (state.bot() != null) {
                        cb.call(value.applyAsLong(state.bot()));
                    }
                }).register(registry);
    }

    private void withFigures(java.util.function.Consumer<DatabaseSnapshot> action) {
        DatabaseSnapshot figures = state.figures();
        if (figures != null) {
            action.accept(figures);
        }
    }

    private static String label(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
