package dev.botops.app.desktop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.botops.app.AppContext;
import dev.botops.maintenance.Outcome;
import dev.botops.maintenance.RunReport;
import dev.botops.maintenance.RunRequest;
import dev.botops.maintenance.StartResult;
import dev.botops.maintenance.Trigger;
import dev.botops.testing.PostgresExtension;
import dev.botops.testing.TestDatabase;
import dev.botops.ui.common.RunsOn;
import dev.botops.ui.maintenance.ScheduleSnapshot;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The Maintenance screen's port over this process's maintenance and monitor, on a real PostgreSQL. */
@ExtendWith(PostgresExtension.class)
class ServicesMaintenanceSourceTest {
    private AppContext context;
    private ServicesMaintenanceSource source;

    @BeforeEach
    void start(TestDatabase db) {
        context = AppContext.start(db.settings(Map.of("app.instance-name", "desk")));
        source = new ServicesMaintenanceSource(context.maintenance(), context.monitor(), "desk");
    }

    @AfterEach
    void close() {
        context.close();
    }

    @Test
    void aRunStartedHereIsTheDashboardsAndItsReportArrivesThroughItsCompletion() throws Exception {
        StartResult start = source.start(RunRequest.health());

        assertThat(start.started()).isTrue();
        RunReport report = start.completion().get(60, TimeUnit.SECONDS);
        assertThat(report.outcome()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(source.runs(1)).singleElement().satisfies(r -> {
            assertThat(r.runId()).isEqualTo(start.runId());
            assertThat(r.trigger()).isEqualTo(Trigger.MANUAL);
            assertThat(r.caller()).isEqualTo(ServicesMaintenanceSource.CALLER);
        });
        assertThat(source.report(start.runId())).hasValueSatisfying(r -> assertThat(r.health()).isNotNull());
    }

    @Test
    void aScheduleRunningHereSaysSoAndPauseAndResumeReachIt() {
        context.maintenance().scheduler().start();

        ScheduleSnapshot schedule = source.schedule();
        assertThat(schedule.runsOn()).isEqualTo(RunsOn.thisInstance("desk"));
        assertThat(schedule.jobs()).hasSize(3).allSatisfy(job -> assertThat(job.nextRun()).isNotNull());

        assertThat(source.pauseSchedule().toCompletableFuture().join().accepted()).isTrue();
        assertThat(context.maintenance().schedulerState().paused()).isTrue();
        assertThat(source.schedule().paused()).isTrue();

        assertThat(source.resumeSchedule().toCompletableFuture().join().accepted()).isTrue();
        assertThat(context.maintenance().schedulerState().paused()).isFalse();
    }

    @Test
    void aScheduleThatDoesNotRunHereSaysWhy() {
        ScheduleSnapshot schedule = source.schedule();

        assertThat(schedule.runsOn().nowhereActive()).isTrue();
        assertThat(schedule.note()).startsWith("Not running in this instance");
    }
}
