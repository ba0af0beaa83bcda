package dev.botops.maintenance;

import static dev.botops.maintenance.MaintenanceHarness.number;
import static org.assertj.core.api.Assertions.assertThat;

import dev.botops.testing.PostgresExtension;
import dev.botops.testing.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Never two maintenance runs at once: in one process, and across instances sharing a database. */
@ExtendWith(PostgresExtension.class)
class ConcurrentRunsTest {

    @Test
    void twoRunsStartedAtOnceInOneInstanceRunOneAndSkipTheOtherSayingWhy(TestDatabase testDb) throws Exception {
        try (MaintenanceHarness m = new MaintenanceHarness(testDb, Map.of())) {
            RunGate gate = new RunGate();
            m.service.addProgressListener(gate);
            ExecutorService callers = Executors.newFixedThreadPool(2);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<StartResult>> results = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                results.add(callers.submit(() -> {
                    go.await();
                    return m.service.startCleanup(false, Trigger.MANUAL, "thread");
                }));
            }
            go.countDown();
            List<StartResult> answers = new ArrayList<>();
            for (Future<StartResult> f : results) {
                answers.add(f.get(30, TimeUnit.SECONDS));
            }
            gate.release.countDown();
            callers.shutdown();

            assertThat(answers).filteredOn(StartResult::started).hasSize(1);
            assertThat(answers).filteredOn(a -> !a.started()).singleElement().satisfies(a -> {
                assertThat(a.status()).isEqualTo(StartResult.Status.BUSY);
                assertThat(a.reason()).contains("already active in this instance").contains("CLEANUP");
            });
            StartResult started = answers.stream().filter(StartResult::started).findFirst().orElseThrow();
            assertThat(started.completion().get(60, TimeUnit.SECONDS).outcome()).isEqualTo(Outcome.SUCCEEDED);
        }
    }

    @Test
    void twoInstancesOnOneDatabaseRunOneAndTheOtherSkipsNamingTheRunningOne(TestDatabase testDb) throws Exception {
        try (MaintenanceHarness first = new MaintenanceHarness(testDb, Map.of("app.instance-name", "alpha"));
             MaintenanceHarness second = new MaintenanceHarness(testDb, Map.of("app.instance-name", "beta"))) {
            RunGate gate = new RunGate();
            first.service.addProgressListener(gate);
            StartResult running = first.service.startCleanup(false, Trigger.MANUAL, "dashboard");
            assertThat(gate.entered.await(30, TimeUnit.SECONDS)).isTrue();

            StartResult skipped = second.service.startCleanup(false, Trigger.HTTP, "monitoring");
            gate.release.countDown();

            assertThat(running.started()).isTrue();
            assertThat(skipped.status()).isEqualTo(StartResult.Status.BUSY);
            assertThat(skipped.reason()).contains("Another instance").contains("run " + running.runId()).contains("alpha");
            assertThat(running.completion().get(60, TimeUnit.SECONDS).outcome()).isEqualTo(Outcome.SUCCEEDED);
            assertThat(number(testDb, "SELECT count(*) FROM maintenance_runs WHERE outcome = 'SKIPPED' AND trigger = 'HTTP' "
                    + "AND error LIKE '%alpha%'")).isEqualTo(1);
        }
    }

    @Test
    void afterTheFirstInstanceFinishesTheSecondCanRun(TestDatabase testDb) {
        try (MaintenanceHarness first = new MaintenanceHarness(testDb, Map.of());
             MaintenanceHarness second = new MaintenanceHarness(testDb, Map.of())) {
            assertThat(first.run(RunRequest.cleanup(false)).outcome()).isEqualTo(Outcome.SUCCEEDED);
            assertThat(second.run(RunRequest.cleanup(false)).outcome()).isEqualTo(Outcome.SUCCEEDED);
        }
    }
}
