package dev.botops.ui.tables;

import static dev.botops.ui.TestSnapshots.snapshot;
import static org.assertj.core.api.Assertions.assertThat;

import dev.botops.maintenance.VacuumReport;
import dev.botops.monitor.DatabaseSnapshot;
import dev.botops.ui.ManualFx;
import dev.botops.ui.common.TaskExecutor;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class TablesViewModelTest {
    private static final long MB = 1L << 20;

    private final FakeSource source = new FakeSource();

    private TablesViewModel direct() {
        return new TablesViewModel(source, TaskExecutor.sameThread(), Runnable::run);
    }

    private static DatabaseSnapshot threeTables() {
        return snapshot()
                .table("trades", null, 8 * MB, 2 * MB, 0, 1000, 250)
                .table("message_log_default", "public.message_log", 20 * MB, 4 * MB, MB, 5000, 0)
                .table("users", null, MB, MB / 2, 0, 24, 0)
                .build();
    }

    @Test
    void everyTableOfTheSnapshotIsARowWithItsFigures() {
        TablesViewModel model = direct();

        model.publish(threeTables());

        assertThat(model.rows()).hasSize(3);
        TableRow trades = row(model, "public.trades");
        assertThat(trades.totalBytes()).isEqualTo(10 * MB);
        assertThat(trades.deadRows()).isEqualTo(250);
        assertThat(trades.deadPercent()).isEqualTo(20.0);
        assertThat(model.summary().get()).startsWith("3 tables");
    }

    @Test
    void partitionsShowTheirParentsRetention() {
        TablesViewModel model = direct();

        model.publish(threeTables());

        assertThat(row(model, "public.message_log_default").retention()).isEqualTo("30 d, partition drop");
        assertThat(row(model, "public.trades").retention()).isEqualTo("kept (disabled)");
        assertThat(row(model, "public.users").retention()).isEqualTo("—");
    }

    @Test
    void filterKeepsMatchingNamesOrRetention() {
        TablesViewModel model = direct();
        model.publish(threeTables());

        model.filter().set("MESSAGE");
        assertThat(model.rows()).extracting(TableRow::name).containsExactly("public.message_log_default");

        model.filter().set("disabled");
        assertThat(model.rows()).extracting(TableRow::name).containsExactly("public.trades");

        model.filter().set("");
        assertThat(model.rows()).hasSize(3);
    }

    @Test
    void rowsSortByTheViewsComparator() {
        TablesViewModel model = direct();
        model.publish(threeTables());

        model.rows().setComparator(Comparator.comparingLong(TableRow::totalBytes).reversed());

        assertThat(model.rows()).extracting(TableRow::name)
                .containsExactly("public.message_log_default", "public.trades", "public.users");
    }

    @Test
    void selectionFollowsTheSameTableAcrossUpdates() {
        TablesViewModel model = direct();
        model.publish(threeTables());
        model.select(row(model, "public.trades"));

        model.publish(snapshot().table("trades", null, 9 * MB, 2 * MB, 0, 1000, 0).build());

        assertThat(model.selected().get().totalBytes()).isEqualTo(11 * MB);
        assertThat(model.selected().get().deadRows()).isZero();
    }

    @Test
    void vacuumOfTheSelectedTableReportsSizesBeforeAndAfter() {
        TablesViewModel model = direct();
        model.publish(threeTables());
        model.select(row(model, "public.trades"));

        model.vacuumSelected();

        assertThat(source.vacuumed).containsExactly("public.trades");
        assertThat(model.message().get()).isEqualTo("VACUUM (ANALYZE) public.trades done: table 10 MB → 9 MB,"
                + " dead rows 250 → 0, database 50 MB → 49 MB (1 MB back to the quota).");
        assertThat(source.refreshes).isEqualTo(1);
        assertThat(model.vacuumRunning().get()).isFalse();
    }

    @Test
    void vacuumRunsOffTheUiThreadAndCannotBeStartedTwice() {
        ManualFx fx = new ManualFx();
        TablesViewModel model = new TablesViewModel(source, fx, fx);
        model.apply(List.of(new TableRow("public.trades", "public.trades", null, 1, 1, 0, 0, 1, 0, 0, null, null, "—")));
        model.select(model.rows().get(0));

        model.vacuumSelected();
        model.vacuumSelected();

        assertThat(model.vacuumRunning().get()).isTrue();
        assertThat(fx.pendingTasks()).isEqualTo(1);
        assertThat(source.vacuumed).isEmpty();
        fx.runTasks();
        assertThat(source.vacuumed).containsExactly("public.trades");
    }

    @Test
    void noWorkerWaitsForTheRunTheReportArrivesWhenItEnds() {
        ManualFx fx = new ManualFx();
        source.running = new CompletableFuture<>();
        TablesViewModel model = new TablesViewModel(source, fx, fx);
        model.apply(List.of(new TableRow("public.trades", "public.trades", null, 1, 1, 0, 0, 1, 0, 0, null, null, "—")));
        model.select(model.rows().get(0));

        model.vacuumSelected();
        fx.runTasks();
        fx.runFx();

        assertThat(fx.pendingTasks()).isZero();
        assertThat(model.vacuumRunning().get()).isTrue();
        assertThat(model.message().get()).endsWith("is running…");

        source.running.complete(null);
        fx.runFx();

        assertThat(model.vacuumRunning().get()).isFalse();
        assertThat(model.message().get()).startsWith("VACUUM (ANALYZE) public.trades done");
    }

    @Test
    void refusedVacuumSaysWhy() {
        source.refusal = "another maintenance run is active";
        TablesViewModel model = direct();
        model.publish(threeTables());
        model.select(row(model, "public.users"));

        model.vacuumSelected();

        assertThat(model.message().get()).isEqualTo("VACUUM (ANALYZE) public.users failed: another maintenance run is active");
    }

    private static TableRow row(TablesViewModel model, String name) {
        return model.rows().stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow();
    }

    private static final class FakeSource implements TablesSource {
        final List<String> vacuumed = new ArrayList<>();
        int refreshes;
        String refusal;
        /** When set, the VACUUM runs until the test completes this. */
        CompletableFuture<Void> running;

        @Override
        public Runnable subscribe(Consumer<DatabaseSnapshot> listener) {
            return () -> { };
        }

        @Override
        public Optional<DatabaseSnapshot> latest() {
            return Optional.empty();
        }

        @Override
        public String retention(String table, String partitionOf) {
            if ("public.message_log".equals(partitionOf)) {
                return "30 d, partition drop";
            }
            return table.equals("public.trades") ? "kept (disabled)" : "—";
        }

        @Override
        public CompletionStage<VacuumReport> vacuum(String qualifiedName) {
            if (refusal != null) {
                return CompletableFuture.failedFuture(new IllegalStateException(refusal));
            }
            vacuumed.add(qualifiedName);
            VacuumReport report = new VacuumReport(50 * MB, 49 * MB, List.of(new VacuumReport.TableVacuum(qualifiedName, false, 10 * MB,
                    9 * MB, 250, 0, 2 * MB, null, null)));
            if (running != null) {
                return running.thenApply(done -> report);
            }
            return CompletableFuture.completedFuture(report);
        }

        @Override
        public void refresh() {
            refreshes++;
        }
    }
}
