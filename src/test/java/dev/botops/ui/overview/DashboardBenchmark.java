package dev.botops.ui.overview;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.botops.config.Settings;
import dev.botops.config.SettingsLoader;
import dev.botops.monitor.DatabaseSnapshot;
import dev.botops.ui.DashboardHarness;
import dev.botops.ui.bot.BotSnapshot;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;
import javafx.scene.Scene;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The dashboard's figures for docs/benchmarks.md, on the embedded PostgreSQL as the desktop app uses it:
 * launch to the first frame of the Overview with figures, one live update with 30 days of one-minute history
 * on screen, heap after an hour (and a day) of simulated updates against one minute, and how long closing
 * takes with every service running. Run with
 * {@code mvn -B verify -Pbenchmarks -Dtest=DashboardBenchmark -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("benchmark")
class DashboardBenchmark {
    private static final Duration TICK = Duration.ofSeconds(5);
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    @TempDir
    Path dir;

    private Settings settings() {
        // No database.url: the embedded PostgreSQL in the data directory, as on a desktop.
        return SettingsLoader.fromProperties(Map.of("app.data-dir", dir.toString(), "http.port", "0",
                "maintenance.scheduler-enabled", "false"));
    }

    @Test
    void dashboardFigures() throws Exception {
        // The first start initialises the embedded database (initdb, migrations) and loads the demo history.
        try (DashboardHarness first = DashboardHarness.open(settings(), true)) {
            first.context().demo().install(first.context().settings());
        }

        DashboardHarness harness = DashboardHarness.open(settings(), true);
        DashboardHarness.StartTimes times = harness.startTimes();
        long launched = times.services().plus(times.background()).plus(times.shown()).plus(times.firstFigures()).toNanos();
        try {
            OverviewViewModel overview = harness.dashboard().overview();
            WaitForAsyncUtils.asyncFx(() -> overview.selectRange(ChartRange.MONTH));
            await().atMost(Duration.ofMinutes(1)).until(() -> !overview.loading().get() && overview.sizeSeries().size() > 100);
            WaitForAsyncUtils.waitForFxEvents();

            System.out.printf(Locale.ROOT, "%nLAUNCH (embedded database already initialised): %d ms to the first Overview frame with figures"
                            + " (services %d ms, background services %d ms, dashboard built and shown %d ms, first figures drawn %d ms)%n",
                    launched / 1_000_000, times.services().toMillis(), times.background().toMillis(), times.shown().toMillis(),
                    times.firstFigures().toMillis());

            liveUpdateWithAMonthOnScreen(harness, overview);
            heapOverSimulatedTime(harness, overview);
        } finally {
            Duration closing = harness.closeTimed();
            System.out.printf(Locale.ROOT, "CLOSE with monitor, bot (sandbox), demo traffic, maintenance running: %d ms%n",
                    closing.toMillis());
        }
    }

    private static void liveUpdateWithAMonthOnScreen(DashboardHarness harness, OverviewViewModel overview) throws Exception {
        DatabaseSnapshot base = harness.context().monitor().latest().orElseThrow();
        int points = overview.sizeSeries().size();
        List<Long> applyNanos = new ArrayList<>();
        List<Long> pulseNanos = new ArrayList<>();
        List<Long> pulseCpuNanos = new ArrayList<>();
        for (int i = 1; i <= 200; i++) {
            OverviewUpdate update = update(base, i);
            long[] measured = onFx(() -> {
                long cpuStart = THREADS.getCurrentThreadCpuTime();
                long start = System.nanoTime();
                overview.apply(update);
                long applied = System.nanoTime();
                // The FX thread's share of the next frame: CSS and layout of the scene with the new points.
                Scene scene = harness.scene();
                scene.getRoot().applyCss();
                scene.getRoot().layout();
                return new long[] {applied - start, System.nanoTime() - start, THREADS.getCurrentThreadCpuTime() - cpuStart};
            });
            if (i > 20) {
                applyNanos.add(measured[0]);
                pulseNanos.add(measured[1]);
                pulseCpuNanos.add(measured[2]);
            }
        }
        System.out.printf(Locale.ROOT, "LIVE UPDATE with 30 days of one-minute history on screen (%d points per series after"
                        + " downsampling): apply median %.2f ms, p95 %.2f ms; apply + CSS + layout median %.2f ms, p95 %.2f ms, max %.2f ms"
                        + " (FX thread CPU time: median %.2f ms, p95 %.2f ms)%n",
                points, ms(percentile(applyNanos, 50)), ms(percentile(applyNanos, 95)), ms(percentile(pulseNanos, 50)),
                ms(percentile(pulseNanos, 95)), ms(Collections.max(pulseNanos)), ms(percentile(pulseCpuNanos, 50)),
                ms(percentile(pulseCpuNanos, 95)));
        assertThat(overview.sizeSeries().size()).isLessThanOrEqualTo((int) (overview.maxPoints() * 1.25));
    }

    private static void heapOverSimulatedTime(DashboardHarness harness, OverviewViewModel overview) throws Exception {
        DatabaseSnapshot base = harness.context().monitor().latest().orElseThrow();
        int perMinute = (int) (Duration.ofMinutes(1).toSeconds() / TICK.toSeconds());
        int perHour = perMinute * 60;
        int perDay = perHour * 24;
        int offset = 1_000;
        feed(overview, base, offset, perMinute);
        long afterMinute = usedHeapAfterGc();
        int afterMinutePoints = overview.sizeSeries().size();
        feed(overview, base, offset + perMinute, perHour - perMinute);
        long afterHour = usedHeapAfterGc();
        feed(overview, base, offset + perHour, perDay - perHour);
        long afterDay = usedHeapAfterGc();
        System.out.printf(Locale.ROOT, "HEAP (30 d range on screen, an update every 5 s): after 1 minute %.1f MB (%d points),"
                        + " after 1 hour %.1f MB, after 1 day %.1f MB (%d points per series)%n", afterMinute / 1048576.0,
                afterMinutePoints, afterHour / 1048576.0, afterDay / 1048576.0, overview.sizeSeries().size());
    }

    /** Applies {@code count} updates, each a tick later, in batches on the FX thread (as fast as it takes them). */
    private static void feed(OverviewViewModel overview, DatabaseSnapshot base, int from, int count) throws Exception {
        for (int done = 0; done < count; done += 100) {
            int start = from + done;
            int end = Math.min(from + count, start + 100);
            onFx(() -> {
                for (int i = start; i < end; i++) {
                    overview.apply(update(base, i));
                }
                return null;
            });
        }
        WaitForAsyncUtils.waitForFxEvents();
    }

    private static OverviewUpdate update(DatabaseSnapshot base, int tick) {
        DatabaseSnapshot s = new DatabaseSnapshot(base.takenAt().plus(TICK.multipliedBy(tick)), base.elapsed(), base.state(),
                base.error(), base.server(), DatabaseSnapshot.Storage.of(base.storage().databaseBytes() + 8192L * (tick % 50),
                base.storage().quotaBytes()), base.connections(), base.sessions(), base.tables());
        return new OverviewUpdate(s, Optional.empty(), BotSnapshot.none("No bot in this benchmark", s.takenAt()), List.of());
    }

    private static long usedHeapAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    private static <T> T onFx(java.util.concurrent.Callable<T> call) throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        Object[] result = new Object[1];
        Exception[] error = new Exception[1];
        Platform.runLater(() -> {
            try {
                result[0] = call.call();
            } catch (Exception e) {
                error[0] = e;
            } finally {
                done.countDown();
            }
        });
        if (!done.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("FX thread did not answer");
        }
        if (error[0] != null) {
            throw error[0];
        }
        @SuppressWarnings("unchecked")
        T value = (T) result[0];
        return value;
    }

    private static long percentile(List<Long> values, int p) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(Math.min(sorted.size() - 1, sorted.size() * p / 100));
    }

    private static double ms(long nanos) {
        return nanos / 1_000_000.0;
    }
}
