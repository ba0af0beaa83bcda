package dev.botops.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.botops.testing.LauncherProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard ({@code botops} without a command) as a desktop session or a supervisor ends it: a child JVM on the
 * embedded default, its window on Monocle's headless screen, stopped with SIGTERM. It stops as {@code serve} does
 * (ServeCommandTest): window closed, services closed in order, embedded PostgreSQL stopped, exit status 0.
 */
class DashboardSigtermTest {
    /** The headless set-up of the UI tests (pom.xml, surefire's systemPropertyVariables). */
    private static final List<String> HEADLESS = List.of("-Dglass.platform=Monocle", "-Dmonocle.platform=Headless",
            "-Dprism.order=sw", "-Dprism.text=t2k", "-Djava.awt.headless=true");
    private static final Duration START_WITHIN = Duration.ofSeconds(120);
    private static final Duration STOP_WITHIN = Duration.ofSeconds(10);

    @TempDir
    Path work;

    private LauncherProcess dashboard;

    @AfterEach
    void killLeftover() throws InterruptedException {
        if (dashboard != null) {
            dashboard.close();
        }
    }

    @Test
    void dashboardOnTheEmbeddedDefaultStopsItsPostgresAndExitsWithStatus0OnSigterm() throws Exception {
        Path data = work.resolve("data");
        dashboard = LauncherProcess.start(work, HEADLESS, "--set", "app.data-dir=" + data, "--set", "http.port=0",
                "--set", "database.url=");
        Process process = dashboard.process();
        await().atMost(START_WITHIN)
                .failFast("the dashboard exited early", () -> !process.isAlive())
                .until(() -> dashboard.stderr().contains("Dashboard ready"));
        Path postmasterPid = data.resolve("pgdata").resolve("postmaster.pid");
        assertThat(postmasterPid).exists();

        process.destroy(); // SIGTERM on Linux and macOS

        assertThat(process.waitFor(STOP_WITHIN.toSeconds(), TimeUnit.SECONDS)).as("exited within %s", STOP_WITHIN).isTrue();
        assertThat(process.exitValue()).as("exit code; log:%n%s", dashboard.stderr()).isZero();
        assertThat(dashboard.stderr()).contains("Stopping: signal received").contains("Window closed").contains("Stopped cleanly");
        assertThat(postmasterPid).as("embedded PostgreSQL stopped").doesNotExist();
    }
}
