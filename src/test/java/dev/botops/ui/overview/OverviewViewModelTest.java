package dev.botops.ui.overview;

import static dev.botops.ui.TestSnapshots.snapshot;
import static org.assertj.core.api.Assertions.assertThat;

import dev.botops.app.demo.DemoData;
import dev.botops.bot.BotState;
import dev.botops.bot.BotStatus;
import dev.botops.lease.LeaseHolder;
import dev.botops.maintenance.Outcome;
import dev.botops.maintenance.RunKind;
import dev.botops.maintenance.RunRecord;
import dev.botops.maintenance.Trigger;
import dev.botops.monitor.Alert;
import dev.botops.monitor.DatabaseSnapshot;
import dev.botops.monitor.Forecast;
import dev.botops.monitor.MetricHistory.MetricSample;
import dev.botops.monitor.Severity;
import dev.botops.ui.ManualFx;
import dev.botops.ui.common.Formats;
import dev.botops.ui.common.TaskExecutor;
import dev.botops.ui.overview.OverviewViewModel.TableBar;
import dev.botops.ui.overview.OverviewViewModel.Tone;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class OverviewViewModelTest {
    private static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");
    private static final long MB = 1L << 20;

    private final FakeSource source = new FakeSource();
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

    private OverviewViewModel direct() {
        return new OverviewViewModel(source, TaskExecutor.sameThread(), Runnable::run, clock);
    }

    private static OverviewUpdate update(DatabaseSnapshot snapshot) {
        return new OverviewUpdate(snapshot, Optional.empty(), Optional.empty(), List.of());
    }

    @Test
    void storageTileShowsSizeAgainstTheQuota() {
        OverviewViewModel model = direct();

        model.apply(update(snapshot().size(512 * MB, 1024 * MB).build()));

        assertThat(model.storage().get().value()).isEqualTo(Formats.bytes(512 * MB));
        assertThat(model.storage().get().caption()).contains("of " + Formats.bytes(1024 * MB)).contains("50.0 %");
        assertThat(model.storageFraction().get()).isEqualTo(0.5);
    }

    @Test
    void forecastNamesTheDaysUntilFull() {
        Forecast growing = new Forecast(Forecast.Outcome.GROWING, 23.7, 5 * MB, 500, Duration.ofDays(7), List.of());

        assertThat(OverviewViewModel.forecastText(Optional.of(growing))).startsWith("≈ 23 days until full");
    }

    @Test
    void forecastSaysHonestlyWhenItCannotTell() {
        Forecast young = new Forecast(Forecast.Outcome.NOT_ENOUGH_DATA, null, 0, 3, Duration.ofMinutes(3), List.of());
        Forecast flat = new Forecast(Forecast.Outcome.NOT_GROWING, null, -10, 500, Duration.ofDays(7), List.of());

        assertThat(OverviewViewModel.forecastText(Optional.of(young))).startsWith("Not enough history to forecast yet");
        assertThat(OverviewViewModel.forecastText(Optional.of(flat))).startsWith("Not growing");
    }

    @Test
    void connectionsTileSplitsOursFromOthers() {
        OverviewViewModel model = direct();

        model.apply(update(snapshot().connections(3, 4, 1, 5, 40).build()));

        assertThat(model.connections().get().value()).isEqualTo("8 of 40");
        assertThat(model.connections().get().caption()).startsWith("5 this app · 3 others");
    }

    @Test
    void standbyBotNamesTheActiveInstance() {
        OverviewViewModel model = direct();
        LeaseHolder holder = new LeaseHolder("other/1", "db-host-2", 4711, NOW, NOW, NOW.plusSeconds(30));
        BotStatus standby = new BotStatus(BotState.STANDBY, "Another instance holds the lease", Optional.of(holder), "", false,
                0, 0, 0, 0, NOW);

        model.apply(new OverviewUpdate(snapshot().build(), Optional.empty(), Optional.of(standby), List.of()));

        assertThat(model.bot().get().value()).isEqualTo("Standby");
        assertThat(model.bot().get().caption()).isEqualTo("Active instance: db-host-2 (pid 4711)");
    }

    @Test
    void pollingBotShowsUpdatesPerMinute() {
        MutableClock time = new MutableClock(NOW);
        OverviewViewModel model = new OverviewViewModel(source, TaskExecutor.sameThread(), Runnable::run, time);

        model.apply(new OverviewUpdate(snapshot().build(), Optional.empty(), Optional.of(polling(100)), List.of()));
        time.set(NOW.plusSeconds(30));
        model.apply(new OverviewUpdate(snapshot().at(NOW.plusSeconds(30)).build(), Optional.empty(), Optional.of(polling(115)), List.of()));

        assertThat(model.bot().get().value()).isEqualTo("Polling");
        assertThat(model.bot().get().caption()).startsWith("sandbox · 30.0 updates/min");
        assertThat(model.bot().get().tone()).isEqualTo(Tone.GOOD);
    }

    @Test
    void conflictingBotIsShownAsDanger() {
        OverviewViewModel model = direct();
        BotStatus conflict = new BotStatus(BotState.CONFLICT, "Another poller uses this token", Optional.empty(), "", false,
                0, 0, 9, 0, NOW);

        model.apply(new OverviewUpdate(snapshot().build(), Optional.empty(), Optional.of(conflict), List.of()));

        assertThat(model.bot().get().value()).isEqualTo("Conflict");
        assertThat(model.bot().get().tone()).isEqualTo(Tone.DANGER);
    }

    @Test
    void alertsTileCountsBySeverity() {
        OverviewViewModel model = direct();
        List<Alert> active = List.of(alert("storage", Severity.CRITICAL), alert("long-query", Severity.WARNING),
                alert("dead-rows:public.t", Severity.WARNING));

        model.apply(new OverviewUpdate(snapshot().build(), Optional.empty(), Optional.empty(), active));

        assertThat(model.alerts().get().value()).isEqualTo("3 active");
        assertThat(model.alerts().get().caption()).isEqualTo("1 critical · 2 warning · 0 info");
        assertThat(model.alerts().get().tone()).isEqualTo(Tone.DANGER);
    }

    @Test
    void maintenanceTileShowsTheLastRunAndWhen() {
        source.lastRun = Optional.of(new RunRecord(7, RunKind.CLEANUP, Trigger.SCHEDULE, "scheduler", false,
                NOW.minus(Duration.ofHours(3)), NOW.minus(Duration.ofHours(2)), Outcome.SUCCEEDED, 1234, 10L, 5L, null, null));
        OverviewViewModel model = direct();

        model.start();

        assertThat(model.maintenance().get().value()).isEqualTo("Succeeded");
        assertThat(model.maintenance().get().caption()).startsWith("cleanup · 2 h 0 min ago").contains("1,234 rows");
    }

    @Test
    void lastHourComesFromTheSnapshotsInMemory() {
        for (int i = 0; i < 720; i++) {
            source.recent.add(snapshot().at(NOW.minusSeconds(3600 - 5L * i)).size((100 + i) * MB, 10_000 * MB).build());
        }
        OverviewViewModel model = direct();

        model.selectRange(ChartRange.HOUR);

        assertThat(model.sizeSeries()).hasSize(720);
        assertThat(model.sizeSeries().get(719).y()).isEqualTo(819.0 * MB);
        assertThat(source.samplesAsked).isZero();
    }

    @Test
    void thirtyDaysOfMinuteSamplesAreDownsampledToTwoPointsPerPixel() {
        source.samples = minuteSamples(Duration.ofDays(30));
        OverviewViewModel model = direct();
        model.setChartWidth(500);

        model.selectRange(ChartRange.MONTH);

        assertThat(model.sizeSeries()).hasSize(1000);
        assertThat(model.activeSeries()).hasSize(1000);
        assertThat(model.sizeSeries().get(999).x()).isEqualTo(source.samples.get(source.samples.size() - 1).sampledAt().getEpochSecond());
        assertThat(model.windowEnd().get() - model.windowStart().get()).isEqualTo(Duration.ofDays(30).getSeconds());
    }

    @Test
    void liveUpdatesOverAMonthStayWithinThePointBudget() {
        source.samples = minuteSamples(Duration.ofDays(30));
        OverviewViewModel model = direct();
        model.setChartWidth(500);
        model.selectRange(ChartRange.MONTH);

        for (int i = 1; i <= 20_000; i++) {
            model.apply(update(snapshot().at(NOW.plusSeconds(5L * i)).size((200 + i % 7) * MB, 10_000 * MB).build()));
        }

        assertThat(model.sizeSeries().size()).isLessThanOrEqualTo((int) (1000 * 1.25));
        assertThat(model.sizeSeries().get(model.sizeSeries().size() - 1).x()).isEqualTo(NOW.plusSeconds(100_000).getEpochSecond());
        assertThat(model.sizeSeries().get(0).x()).isGreaterThanOrEqualTo(model.windowStart().get());
    }

    @Test
    void aRangeLoadThatFinishesAfterANewerOneIsDropped() {
        source.samples = minuteSamples(Duration.ofDays(2));
        ManualFx fx = new ManualFx();
        OverviewViewModel model = new OverviewViewModel(source, fx, fx, clock);

        model.selectRange(ChartRange.DAY);
        model.selectRange(ChartRange.HOUR);
        fx.runTask(1);
        fx.runTask(0);

        assertThat(model.range().get()).isEqualTo(ChartRange.HOUR);
        assertThat(model.sizeSeries()).isEmpty();
        assertThat(model.loading().get()).isFalse();
    }

    @Test
    void aBurstOfUpdatesIsOneUiUpdateWithTheNewest() {
        ManualFx fx = new ManualFx();
        OverviewViewModel model = new OverviewViewModel(source, fx, fx, clock);

        for (int i = 1; i <= 100; i++) {
            model.publish(update(snapshot().size(i * MB, 1000 * MB).build()));
        }

        assertThat(fx.pendingFx()).isEqualTo(1);
        fx.runFx();
        assertThat(model.storage().get().value()).isEqualTo(Formats.bytes(100 * MB));
    }

    @Test
    void largestTablesSumPartitionsIntoTheirTable() {
        DatabaseSnapshot s = snapshot()
                .table("message_log_p1", "public.message_log", 10 * MB, 2 * MB, 0, 10, 0)
                .table("message_log_p2", "public.message_log", 20 * MB, 3 * MB, 0, 10, 0)
                .table("trades", null, 15 * MB, 5 * MB, MB, 10, 0)
                .build();

        List<TableBar> bars = OverviewViewModel.largest(s.tables());

        assertThat(bars).containsExactly(new TableBar("message_log", 30 * MB, 5 * MB, 0), new TableBar("trades", 15 * MB, 5 * MB, MB));
    }

    @Test
    void onlyTheTenLargestTablesAreCharted() {
        var builder = snapshot();
        for (int i = 1; i <= 15; i++) {
            builder.table("t" + i, null, i * MB, 0, 0, 1, 0);
        }
        OverviewViewModel model = direct();

        model.apply(update(builder.build()));

        assertThat(model.largestTables()).hasSize(10);
        assertThat(model.largestTables().get(0).name()).isEqualTo("t15");
        assertThat(model.largestTables().get(9).name()).isEqualTo("t6");
    }

    @Test
    void emptySandboxDatabaseIsOfferedDemoData() {
        source.demo = new OverviewSource.DemoState(true, false, true);
        OverviewViewModel model = direct();

        model.start();

        assertThat(model.demoOffered().get()).isTrue();
        assertThat(model.demoMessage().get()).isEqualTo(OverviewViewModel.DEMO_OFFER);
    }

    @Test
    void databaseWithRealUsersIsNotOfferedDemoData() {
        source.demo = new OverviewSource.DemoState(true, false, false);
        OverviewViewModel model = direct();

        model.start();

        assertThat(model.demoOffered().get()).isFalse();
        assertThat(model.demoMessage().get()).isEmpty();
    }

    @Test
    void loadingThenRemovingDemoDataSwapsTheButtons() {
        source.demo = new OverviewSource.DemoState(true, false, true);
        OverviewViewModel model = direct();
        model.start();

        model.installDemo();
        assertThat(source.installs).isEqualTo(1);
        assertThat(model.demoOffered().get()).isFalse();
        assertThat(model.demoInstalled().get()).isTrue();

        model.removeDemo();
        assertThat(model.demoInstalled().get()).isFalse();
        assertThat(model.demoMessage().get()).isEqualTo("Demo data removed (1,234 rows).");
    }

    @Test
    void stopEndsTheSubscription() {
        OverviewViewModel model = direct();
        model.start();
        assertThat(source.listener).isNotNull();

        model.stop();

        assertThat(source.listener).isNull();
    }

    private static BotStatus polling(long updates) {
        return new BotStatus(BotState.POLLING, "Polling", Optional.empty(), "", true, updates, 0, 0, 0, NOW);
    }

    private static Alert alert(String rule, Severity severity) {
        return new Alert(1, rule, severity, rule + " message", "", NOW, NOW, null);
    }

    private static List<MetricSample> minuteSamples(Duration span) {
        List<MetricSample> samples = new ArrayList<>();
        long minutes = span.toMinutes();
        for (long i = minutes; i > 0; i--) {
            samples.add(new MetricSample(NOW.minus(Duration.ofMinutes(i)), (100 + (minutes - i) / 60) * MB, 10_000 * MB,
                    4, 1, 3, 0, 2, 97));
        }
        return samples;
    }

    /** A clock the test moves. */
    private static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void set(Instant instant) {
            now = instant;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    /** In-memory figures standing in for the services. */
    private static final class FakeSource implements OverviewSource {
        Consumer<OverviewUpdate> listener;
        final List<DatabaseSnapshot> recent = new ArrayList<>();
        List<MetricSample> samples = List.of();
        int samplesAsked;
        Optional<RunRecord> lastRun = Optional.empty();
        DemoState demo = new DemoState(false, false, false);
        int installs;

        @Override
        public Runnable subscribe(Consumer<OverviewUpdate> l) {
            listener = l;
            return () -> listener = null;
        }

        @Override
        public Optional<OverviewUpdate> current() {
            return Optional.empty();
        }

        @Override
        public List<DatabaseSnapshot> recentSnapshots() {
            return recent;
        }

        @Override
        public List<MetricSample> samples(Instant from, Instant to) {
            samplesAsked++;
            return samples.stream().filter(s -> !s.sampledAt().isBefore(from) && !s.sampledAt().isAfter(to)).toList();
        }

        @Override
        public Optional<RunRecord> lastMaintenanceRun() {
            return lastRun;
        }

        @Override
        public DemoState demoState() {
            return demo;
        }

        @Override
        public DemoData.Install installDemo() {
            installs++;
            demo = new DemoState(true, true, false);
            return new DemoData.Install(NOW, NOW.minus(DemoData.HISTORY), NOW);
        }

        @Override
        public DemoData.Removal removeDemo() {
            demo = new DemoState(true, false, true);
            return new DemoData.Removal(Map.of("users", 24L, "message_log", 1210L));
        }
    }
}
