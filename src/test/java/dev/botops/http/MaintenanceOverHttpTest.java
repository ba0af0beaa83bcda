package dev.botops.http;

import static dev.botops.http.HttpTestClient.error;
import static dev.botops.http.HttpTestClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.botops.maintenance.RunGate;
import dev.botops.monitor.AdminSql;
import dev.botops.testing.PostgresExtension;
import dev.botops.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Issue 5, acceptance 2: cleanup and VACUUM over HTTP, guarded by the bearer token and a rate limit, recorded in the run log. */
@ExtendWith(PostgresExtension.class)
class MaintenanceOverHttpTest {
    private static final String TOKEN = "s3cret-token-for-the-health-endpoint";

    private TestDatabase testDb;
    private AdminSql sql;
    private RunningApp app;

    @BeforeEach
    void clean(TestDatabase testDb) {
        this.testDb = testDb;
        this.sql = new AdminSql(testDb.admin());
        sql.execute("DELETE FROM alerts", "DELETE FROM processed_updates");
    }

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
    }

    private RunningApp start(Map<String, String> overrides) {
        Map<String, String> settings = new HashMap<>(Map.of("http.token", TOKEN));
        settings.putAll(overrides);
        app = RunningApp.start(testDb, settings);
        return app;
    }

    private JsonNode awaitFinished(long runId) {
        JsonNode[] run = new JsonNode[1];
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            run[0] = json(app.http.get("/maintenance/runs/" + runId));
            return !run[0].get("outcome").asText().equals("RUNNING");
        });
        return run[0];
    }

    @Test
    void withoutAConfiguredTokenCleanupIs403AndSaysHowToEnableIt() {
        start(Map.of("http.token", ""));

        JsonNode body = error(app.http.post("/database/cleanup", "anything"), 403);

        assertThat(body.get("message").asText()).contains("http.token").contains("BOTOPS_HEALTH_TOKEN").contains("Authorization: Bearer");
    }

    @Test
    void aMissingOrWrongTokenIs401() {
        start(Map.of());
        long runsBefore = sql.queryLong("SELECT count(*) FROM maintenance_runs");

        HttpResponse<String> missing = app.http.post("/database/cleanup", null);
        HttpResponse<String> wrong = app.http.post("/database/cleanup", TOKEN + "x");

        error(missing, 401);
        error(wrong, 401);
        assertThat(wrong.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"botops\"");
        assertThat(wrong.body()).doesNotContain(TOKEN);
        assertThat(sql.queryLong("SELECT count(*) FROM maintenance_runs")).as("runs recorded").isEqualTo(runsBefore);
    }

    @Test
    void theRightTokenStartsACleanup202WithRunIdAndLocationRecordedWithTriggerHttpAndTheCaller() {
        start(Map.of());

        HttpResponse<String> response = app.http.post("/database/cleanup", TOKEN);

        assertThat(response.statusCode()).isEqualTo(202);
        long runId = json(response).get("runId").asLong();
        assertThat(response.headers().firstValue("Location")).hasValue("/maintenance/runs/" + runId);
        JsonNode run = awaitFinished(runId);
        assertThat(run.get("outcome").asText()).isEqualTo("SUCCEEDED");
        assertThat(run.get("kind").asText()).isEqualTo("CLEANUP");
        assertThat(run.get("trigger").asText()).isEqualTo("HTTP");
        assertThat(run.get("caller").asText()).startsWith("127.0.0.1:");
        assertThat(sql.queryLong("SELECT count(*) FROM maintenance_runs WHERE run_id = " + runId
                + " AND trigger = 'HTTP' AND caller LIKE '127.0.0.1:%'")).isEqualTo(1);
    }

    @Test
    void aSecondCleanupWhileOneRunsIs409() throws Exception {
        start(Map.of());
        RunGate gate = new RunGate();
        app.context.maintenance().addProgressListener(gate);
        HttpResponse<String> first = app.http.post("/database/cleanup", TOKEN);
        assertThat(gate.entered.await(30, TimeUnit.SECONDS)).isTrue();

        HttpResponse<String> second = app.http.post("/database/cleanup", TOKEN);
        gate.release.countDown();

        assertThat(first.statusCode()).isEqualTo(202);
        JsonNode conflict = error(second, 409);
        assertThat(conflict.get("message").asText()).contains("already active").contains("run " + json(first).get("runId").asLong());
        assertThat(awaitFinished(json(first).get("runId").asLong()).get("outcome").asText()).isEqualTo("SUCCEEDED");
    }

    @Test
    void dryRunAnswersThePreviewWithCountsAndDeletesNothing() {
        start(Map.of());
        sql.execute("INSERT INTO processed_updates (update_id, processed_at) SELECT g, now() - interval '30 days' FROM generate_series(1, 250) g",
                "INSERT INTO processed_updates (update_id, processed_at) SELECT g, now() FROM generate_series(251, 260) g");

        HttpResponse<String> response = app.http.post("/database/cleanup?dryRun=true", TOKEN);

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode preview = json(response);
        assertThat(preview.get("dryRun").asBoolean()).isTrue();
        assertThat(preview.get("rowsToDelete").asLong()).isEqualTo(250);
        JsonNode table = null;
        for (JsonNode t : preview.get("tables")) {
            if (t.get("policy").asText().equals("processed_updates")) {
                table = t;
            }
        }
        assertThat(table).isNotNull();
        assertThat(table.get("rows").asLong()).isEqualTo(250);
        assertThat(sql.queryLong("SELECT count(*) FROM processed_updates")).isEqualTo(260);
        JsonNode run = json(app.http.get("/maintenance/runs/" + preview.get("runId").asLong()));
        assertThat(run.get("dryRun").asBoolean()).isTrue();
        assertThat(run.get("trigger").asText()).isEqualTo("HTTP");
    }

    @Test
    void repeatedCallsAreRateLimitedWith429AndRetryAfter() {
        start(Map.of("http.maintenance-rate", "2"));
        assertThat(app.http.post("/database/cleanup?dryRun=true", TOKEN).statusCode()).isEqualTo(200);
        assertThat(app.http.post("/database/cleanup?dryRun=true", TOKEN).statusCode()).isEqualTo(200);

        HttpResponse<String> limited = app.http.post("/database/cleanup?dryRun=true", TOKEN);

        error(limited, 429);
        assertThat(limited.headers().firstValue("Retry-After")).hasValueSatisfying(v -> assertThat(Integer.parseInt(v)).isBetween(1, 30));
    }

    @Test
    void vacuumOfANamedTableWithAnalyzeRunsAndIsRecordedWithTriggerHttp() {
        start(Map.of());

        HttpResponse<String> response = app.http.post("/database/vacuum?table=processed_updates&analyze=true", TOKEN);

        assertThat(response.statusCode()).isEqualTo(202);
        JsonNode run = awaitFinished(json(response).get("runId").asLong());
        assertThat(run.get("kind").asText()).isEqualTo("VACUUM");
        assertThat(run.get("trigger").asText()).isEqualTo("HTTP");
        assertThat(run.get("outcome").asText()).isEqualTo("SUCCEEDED");
        assertThat(run.at("/details/vacuum/tables/0/table").asText()).contains("processed_updates");
    }

    @Test
    void vacuumFullWithoutRoomInTheQuotaIsRefusedByTheGuardWithAClearMessage() {
        start(Map.of("limits.storage-quota", "1MB"));

        HttpResponse<String> response = app.http.post("/database/vacuum?table=maintenance_runs&full=true", TOKEN);

        assertThat(response.statusCode()).isEqualTo(202);
        JsonNode run = awaitFinished(json(response).get("runId").asLong());
        assertThat(run.get("outcome").asText()).isEqualTo("FAILED");
        assertThat(run.get("error").asText()).contains("VACUUM FULL of").contains("refused").contains("quota is free");
    }

    @Test
    void theRunLogListsTheLatestRunsUpToTheLimit() {
        start(Map.of());
        for (int i = 0; i < 3; i++) {
            assertThat(app.http.post("/database/cleanup?dryRun=true", TOKEN).statusCode()).isEqualTo(200);
        }

        JsonNode runs = json(app.http.get("/maintenance/runs?limit=2")).get("runs");

        assertThat(runs).hasSize(2);
        assertThat(runs.get(0).get("runId").asLong()).isGreaterThan(runs.get(1).get("runId").asLong());
        assertThat(runs.get(0).get("trigger").asText()).isEqualTo("HTTP");
    }
}
