package dev.botops.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.botops.bot.trading.IncomingMessage;
import dev.botops.bot.trading.MarketSimulator;
import dev.botops.bot.trading.TradingCommands;
import dev.botops.bot.trading.UpdateProcessor;
import dev.botops.db.MigrationsTest.Sql;
import dev.botops.maintenance.MaintenanceService;
import dev.botops.maintenance.Outcome;
import dev.botops.maintenance.RunReport;
import dev.botops.maintenance.RunRequest;
import dev.botops.maintenance.Trigger;
import dev.botops.monitor.AlertSink;
import dev.botops.monitor.DatabaseMonitor;
import dev.botops.monitor.DatabaseSnapshot;
import dev.botops.monitor.Severity;
import dev.botops.testing.PgBouncer;
import dev.botops.testing.PostgresExtension;
import dev.botops.testing.TestDatabase;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Figures for docs/benchmarks.md ("Behind PgBouncer"), side by side in one run on one server: the monitor's
 * snapshot and a batched cleanup through PgBouncer in transaction mode against a direct connection, and the
 * bot's update path with {@code prepareThreshold=0} (now) against the driver's default of 5 (before) on a
 * direct connection. Rounds alternate between the variants so that drift of a shared machine hits both.
 * Run: {@code mvn -B verify -Pbenchmarks -Dtest=PoolerBenchmark -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("benchmark")
@ExtendWith(PostgresExtension.class)
class PoolerBenchmark {
    private static final int TABLES = 200;
    private static final int SNAPSHOT_ROUNDS = 10;
    private static final int SNAPSHOTS_PER_ROUND = 30;
    private static final int CLEANUP_ROUNDS = 4;
    private static final int EXPIRED_ROWS = 500_000;
    private static final int UPDATE_ROUNDS = 8;
    private static final int UPDATES_PER_ROUND = 500;

    @Test
    void poolerAgainstDirect(TestDatabase testDb) throws Exception {
        Sql.run(testDb, "DO $$ BEGIN FOR i IN 1.." + TABLES + " LOOP EXECUTE format('CREATE TABLE public.bench_%s "
                + "(id bigserial PRIMARY KEY, note text); INSERT INTO public.bench_%s (note) SELECT repeat(''x'', 50) "
                + "FROM generate_series(1, 100)', i, i); END LOOP; END $$", "ANALYZE");
        List<String> lines = new ArrayList<>();
        try (PgBouncer bouncer = PgBouncer.in(testDb).start()) {
            lines.addAll(snapshots(testDb, bouncer));
            lines.addAll(cleanups(testDb, bouncer));
            lines.addAll(updates(testDb, bouncer));
        }
        System.out.println("BENCHMARK | what | connection | figures");
        lines.forEach(l -> System.out.println("BENCHMARK | " + l));
    }

    private List<String> snapshots(TestDatabase testDb, PgBouncer bouncer) {
        try (Database direct = testDb.newDatabase(); Database pooled = bouncer.newDatabase(Map.of())) {
            DatabaseMonitor directMonitor = new DatabaseMonitor(direct, testDb.settings(), Clock.systemUTC());
            DatabaseMonitor pooledMonitor = new DatabaseMonitor(pooled, bouncer.settings(Map.of()), Clock.systemUTC());
            int tables = directMonitor.snapshot().tables().size();
            pooledMonitor.snapshot();
            List<Double> d = new ArrayList<>();
            List<Double> p = new ArrayList<>();
            for (int round = 0; round < SNAPSHOT_ROUNDS; round++) {
                for (int i = 0; i < SNAPSHOTS_PER_ROUND; i++) {
                    d.add(snapshotMillis(directMonitor));
                    p.add(snapshotMillis(pooledMonitor));
                }
            }
            return List.of(line("monitor snapshot, " + tables + " tables (running, " + d.size() + " each)", "direct", d),
                    line("monitor snapshot, " + tables + " tables (running, " + p.size() + " each)", "PgBouncer transaction mode", p),
                    String.format(Locale.ROOT, "monitor snapshot | pooled / direct | p50 %.2f×, p99 %.2f×",
                            percentile(p, 50) / percentile(d, 50), percentile(p, 99) / percentile(d, 99)));
        }
    }

    private static double snapshotMillis(DatabaseMonitor monitor) {
        long t0 = System.nanoTime();
        DatabaseSnapshot snapshot = monitor.snapshot();
        double millis = (System.nanoTime() - t0) / 1e6;
        assertThat(snapshot.state()).isEqualTo(DatabaseSnapshot.State.OK);
        return millis;
    }

    private List<String> cleanups(TestDatabase testDb, PgBouncer bouncer) throws Exception {
        List<Double> d = new ArrayList<>();
        List<Double> p = new ArrayList<>();
        long rows = 0;
        Map<String, String> policy = Map.of("retention.bench_events.table", "public.bench_events", "retention.bench_events.column",
                "created_at", "retention.bench_events.max-age", "30d", "maintenance.scheduler-enabled", "false");
        // Round 0 warms up (JIT, caches) and is not counted; the order alternates so that neither always goes first.
        for (int round = 0; round <= CLEANUP_ROUNDS; round++) {
            for (boolean viaPooler : round % 2 == 0 ? List.of(false, true) : List.of(true, false)) {
                Sql.run(testDb, "DROP TABLE IF EXISTS public.bench_events",
                        "CREATE TABLE public.bench_events (id bigserial PRIMARY KEY, created_at timestamptz NOT NULL, note text)",
                        "INSERT INTO public.bench_events (created_at, note) SELECT now() - interval '60 days' + g * interval '1 second', "
                                + "'event ' || g FROM generate_series(1, " + EXPIRED_ROWS + ") g",
                        "INSERT INTO public.bench_events (created_at, note) SELECT now() - g * interval '1 second', 'fresh' "
                                + "FROM generate_series(1, 1000) g",
                        "CREATE INDEX bench_events_created_idx ON public.bench_events (created_at)", "VACUUM ANALYZE public.bench_events");
                try (Database db = viaPooler ? bouncer.newDatabase(policy) : testDb.newDatabase(policy);
                     MaintenanceService service = MaintenanceService.create(db, viaPooler ? bouncer.settings(policy) : testDb.settings(policy),
                             NO_ALERTS, Clock.systemUTC(), ZoneOffset.UTC)) {
                    RunReport report = service.start(RunRequest.cleanup(false).withTables(Set.of("public.bench_events")), Trigger.MANUAL,
                            "benchmark").completion().get(10, TimeUnit.MINUTES);
                    assertThat(report.outcome()).isEqualTo(Outcome.SUCCEEDED);
                    rows = report.rowsDeleted();
                    if (round > 0) {
                        (viaPooler ? p : d).add(report.duration().toMillis() / 1000.0);
                    }
                }
            }
        }
        return List.of(seconds("batched cleanup of " + rows + " rows (" + d.size() + " runs each)", "direct", d, rows),
                seconds("batched cleanup of " + rows + " rows (" + p.size() + " runs each)", "PgBouncer transaction mode", p, rows),
                String.format(Locale.ROOT, "batched cleanup | pooled / direct | median %.2f×", median(p) / median(d)));
    }

    private List<String> updates(TestDatabase testDb, PgBouncer bouncer) {
        ConnectionTarget direct = testDb.target();
        ConnectionTarget oldDefault = new ConnectionTarget(direct.jdbcUrl() + "?prepareThreshold=5", direct.user(), direct.password(),
                direct.display(), false);
        Map<String, List<Double>> latencies = new java.util.LinkedHashMap<>();
        Map<String, Supplier<Database>> variants = new java.util.LinkedHashMap<>();
        variants.put("direct, prepareThreshold=5 (driver default, before)", () -> new Database(testDb.settings(), oldDefault));
        variants.put("direct, prepareThreshold=0 (now)", () -> new Database(testDb.settings(), direct));
        variants.put("PgBouncer transaction mode, prepareThreshold=0", () -> bouncer.newDatabase(Map.of()));
        long updateId = 50_000_000L;
        List<Map.Entry<String, Supplier<Database>>> order = new ArrayList<>(variants.entrySet());
        // Round 0 warms up and is not counted; each round starts with another variant.
        for (int round = 0; round <= UPDATE_ROUNDS; round++) {
            Collections.rotate(order, 1);
            for (Map.Entry<String, Supplier<Database>> variant : order) {
                try (Database db = variant.getValue().get(); MarketSimulator market = new MarketSimulator(db, 42, Duration.ofHours(1))) {
                    UpdateProcessor processor = new UpdateProcessor(db, new TradingCommands(market, new BigDecimal("100000"), () -> "bench_bot"));
                    long user = 9_000_000L + round * 10L;
                    processor.process(new IncomingMessage(updateId++, user, user, "Bench", "/start"));
                    List<Double> times = round == 0 ? new ArrayList<>() : latencies.computeIfAbsent(variant.getKey(), k -> new ArrayList<>());
                    for (int i = 0; i < UPDATES_PER_ROUND; i++) {
                        String command = i % 2 == 0 ? "/buy AAPL 1" : "/sell AAPL 1";
                        long t0 = System.nanoTime();
                        processor.process(new IncomingMessage(updateId++, user, user, "Bench", command));
                        times.add((System.nanoTime() - t0) / 1e6);
                    }
                }
            }
        }
        List<String> result = new ArrayList<>();
        variants.keySet().forEach(name -> result.add(line("bot update (/buy, /sell; one transaction each, " + latencies.get(name).size() + ")", name,
                latencies.get(name))));
        return result;
    }

    private static final AlertSink NO_ALERTS = new AlertSink() {
        @Override
        public void raise(String ruleId, Severity severity, String message, String hint) {
        }

        @Override
        public void resolve(String ruleId) {
        }
    };

    private static String line(String what, String connection, List<Double> millis) {
        return String.format(Locale.ROOT, "%s | %s | p50 %.2f ms, p90 %.2f ms, p99 %.2f ms", what, connection, percentile(millis, 50),
                percentile(millis, 90), percentile(millis, 99));
    }

    private static String seconds(String what, String connection, List<Double> seconds, long rows) {
        return String.format(Locale.ROOT, "%s | %s | median %.2f s (%,.0f rows/s), runs %s", what, connection, median(seconds),
                rows / median(seconds), seconds.stream().map(s -> String.format(Locale.ROOT, "%.2f", s)).toList());
    }

    private static double median(List<Double> values) {
        return percentile(values, 50);
    }

    private static double percentile(List<Double> values, int percent) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(Math.min(sorted.size() - 1, Math.max(0, (int) Math.ceil(percent / 100.0 * sorted.size()) - 1)));
    }
}
