package dev.botops.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.botops.monitor.Severity;
import dev.botops.testing.PostgresExtension;
import dev.botops.testing.TestDatabase;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The composition root starts the health endpoint with the background services, when enabled, and survives a busy port. */
@ExtendWith(PostgresExtension.class)
class AppContextHttpTest {

    @Test
    void theEndpointStartsWithTheBackgroundServicesOnTheConfiguredAddress(TestDatabase testDb) {
        try (AppContext context = AppContext.start(testDb.settings(Map.of("bot.enabled", "false")))) {
            assertThat(context.http()).isEmpty();

            context.startBackgroundServices();

            assertThat(context.http()).hasValueSatisfying(http -> assertThat(http.url()).startsWith("http://127.0.0.1:"));
        }
    }

    @Test
    void withHttpDisabledNoEndpointStarts(TestDatabase testDb) {
        try (AppContext context = AppContext.start(testDb.settings(Map.of("bot.enabled", "false", "http.enabled", "false")))) {
            context.startBackgroundServices();

            assertThat(context.http()).isEmpty();
        }
    }

    @Test
    void aPortInUseLeavesTheAppRunningAndRaisesAnAlert(TestDatabase testDb) throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             AppContext context = AppContext.start(testDb.settings(Map.of("bot.enabled", "false",
                     "http.port", String.valueOf(taken.getLocalPort()))))) {
            context.startBackgroundServices();

            assertThat(context.http()).isEmpty();
            assertThat(context.alerts().active(AppContext.HTTP_ALERT)).hasValueSatisfying(alert -> {
                assertThat(alert.severity()).isEqualTo(Severity.WARNING);
                assertThat(alert.message()).contains("127.0.0.1:" + taken.getLocalPort());
                assertThat(alert.hint()).contains("http.port");
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> context.monitor().latest().isPresent());
        }
    }
}
