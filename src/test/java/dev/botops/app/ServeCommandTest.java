package dev.botops.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.botops.testing.LauncherProcess;
import dev.botops.testing.PostgresExtension;
import dev.botops.testing.TestDatabase;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code botops serve} as a server runs it: a child JVM with the production logging set-up (the test
 * classes, and so logback-test.xml, are left off its class path), stopped with SIGTERM.
 *
 * <p>Still to come with the bot feature (issue 8, acceptance 2): the child confirms the bot's offset before it exits.
 */
@ExtendWith(PostgresExtension.class)
class ServeCommandTest {
    private static final Duration STOP_WITHIN = Duration.ofSeconds(10);
    private static final Duration START_WITHIN = Duration.ofSeconds(90);

    @TempDir
    Path work;

    private LauncherProcess serve;
    private Process process;

    @AfterEach
    void killLeftover() throws InterruptedException {
        if (serve != null) {
            serve.close();
        }
    }

    @Test
    void serveStopsOnSigtermAndExitsWithStatus0Within10Seconds(TestDatabase db) throws Exception {
        startServe("--set", "database.url=" + db.databaseUrl());
        awaitServing();

        process.destroy(); // SIGTERM on Linux and macOS

        assertThat(process.waitFor(STOP_WITHIN.toSeconds(), TimeUnit.SECONDS)).as("exited within %s", STOP_WITHIN).isTrue();
        assertThat(process.exitValue()).as("exit code; stdout:%n%s", output()).isZero();
        assertThat(output()).contains("Stopping: signal received").contains("Stopped cleanly");
    }

    @Test
    void serveLogsToStdoutAndToTheLogFileInTheDataDirectory(TestDatabase db) throws Exception {
        startServe("--set", "database.url=" + db.databaseUrl());
        awaitServing();

        Path logFile = work.resolve("data").resolve("logs").resolve("botops.log");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(logFile).exists().content(StandardCharsets.UTF_8).contains("serving; connected to"));
        assertThat(output()).contains("logs in " + logFile.getParent());
    }

    @Test
    void serveAnswersHealthOnThePortItLogs(TestDatabase db) throws Exception {
        startServe("--set", "database.url=" + db.databaseUrl());
        awaitServing();
        Matcher listening = Pattern.compile("Health endpoint listening on (http://127\\.0\\.0\\.1:\\d+)").matcher(output());
        assertThat(listening.find()).as("listening line in:%n%s", output()).isTrue();
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest health = HttpRequest.newBuilder(URI.create(listening.group(1) + "/health")).timeout(Duration.ofSeconds(10)).build();

        // UP (or WARN) once the first snapshot is in; 503 only for the moment before it.
        await().atMost(Duration.ofSeconds(30)).until(() -> client.send(health, HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
        HttpResponse<String> response = client.send(health, HttpResponse.BodyHandlers.ofString());

        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
        assertThat(response.body()).contains("\"status\":\"").contains("\"snapshotAt\":\"");
    }

    @Test
    void serveOnTheEmbeddedDefaultStopsItsPostgresOnSigterm() throws Exception {
        startServe("--set", "database.url=");
        awaitServing();
        Path pgData = work.resolve("data").resolve("pgdata");
        assertThat(pgData.resolve("postmaster.pid")).exists();

        process.destroy();

        assertThat(process.waitFor(STOP_WITHIN.toSeconds(), TimeUnit.SECONDS)).as("exited within %s", STOP_WITHIN).isTrue();
        assertThat(process.exitValue()).as("exit code; stdout:%n%s", output()).isZero();
        assertThat(pgData.resolve("postmaster.pid")).as("embedded PostgreSQL stopped").doesNotExist();
    }

    @Test
    void serveExitsWith3AndAPlainMessageWhenTheDatabaseIsUnreachable() throws Exception {
        startServe("--set", "database.url=postgres://bot:hunter2@127.0.0.1:1/db",
                "--set", "database.retry.max-attempts=2", "--set", "database.retry.max-duration=2s",
                "--set", "database.connect-timeout=1s");

        assertThat(process.waitFor(START_WITHIN.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(StatusCommand.EXIT_UNREACHABLE);
        assertThat(output()).contains("Cannot serve").doesNotContain("hunter2");
    }

    private void startServe(String... settings) throws IOException {
        List<String> args = new ArrayList<>(List.of("serve", "--set", "app.data-dir=" + work.resolve("data"), "--set", "http.port=0"));
        args.addAll(List.of(settings));
        serve = LauncherProcess.start(work, List.of(), args.toArray(String[]::new));
        process = serve.process();
    }

    private void awaitServing() {
        await().atMost(START_WITHIN)
                .failFast("serve exited early", () -> !process.isAlive())
                .until(() -> output().contains(" serving; "));
    }

    /** What the child wrote to stdout so far. */
    private String output() throws IOException {
        return serve.stdout();
    }
}
