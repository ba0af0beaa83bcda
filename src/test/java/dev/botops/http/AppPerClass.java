package dev.botops.http;

import dev.botops.testing.PostgresExtension;
import java.net.http.HttpRequest;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link RunningApp} shared by every test of a class, on the class's own database, with {@code http.token}
 * set and everything else at {@link RunningApp}'s defaults: started before the first test, closed after the
 * last. Register it as a static field with {@code @RegisterExtension}.
 */
final class AppPerClass implements BeforeAllCallback, AfterAllCallback {
    private final String token;
    private RunningApp app;

    AppPerClass(String token) {
        this.token = token;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        app = RunningApp.start(PostgresExtension.database(context), Map.of("http.token", token));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (app != null) {
            app.close();
        }
    }

    HttpTestClient http() {
        return app.http;
    }

    HealthEndpoint endpoint() {
        return app.endpoint();
    }

    /** A request that carries the right token. */
    HttpRequest.Builder authorized(String path) {
        return app.http.request(path).header("Authorization", "Bearer " + token);
    }
}
