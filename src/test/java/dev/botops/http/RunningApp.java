package dev.botops.http;

import static org.awaitility.Awaitility.await;

import dev.botops.app.AppContext;
import dev.botops.testing.TestDatabase;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The app as {@code serve} runs it (background services started, the endpoint on a free loopback port),
 * quiet by default: no bot and no maintenance schedule unless a test turns them on.
 */
final class RunningApp implements AutoCloseable {
    final AppContext context;
    final HttpTestClient http;

    private RunningApp(AppContext context) {
        this.context = context;
        this.http = new HttpTestClient(context.http().orElseThrow(() -> new IllegalStateException("the endpoint did not start")));
    }

    static RunningApp start(TestDatabase testDb, Map<String, String> overrides) {
        Map<String, String> settings = new HashMap<>(Map.of("bot.enabled", "false", "maintenance.scheduler-enabled", "false",
                "http.port", "0"));
        settings.putAll(overrides);
        AppContext context = AppContext.start(testDb.settings(settings));
        try {
            context.startBackgroundServices();
            return new RunningApp(context);
        } catch (RuntimeException e) {
            context.close();
            throw e;
        }
    }

    /** Waits for the monitor's first snapshot, which every status but "no snapshot yet" needs. */
    RunningApp awaitSnapshot() {
        await().atMost(Duration.ofSeconds(30)).until(() -> context.monitor().latest().isPresent());
        return this;
    }

    HealthEndpoint endpoint() {
        return context.http().orElseThrow();
    }

    @Override
    public void close() {
        context.close();
    }
}
