package dev.botops.http;

import static dev.botops.http.HttpTestClient.error;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Issue 5, acceptance 3: bad requests get their status code and a JSON error, never a stack trace. */
class BadRequestsTest {
    @RegisterExtension
    static final AppPerClass app = new AppPerClass("a-token-long-enough-to-be-a-real-one");

    @Test
    void unknownPathIs404() {
        assertThat(error(app.http().get("/database/nothing"), 404).get("message").asText()).contains("/database/nothing").contains("/health");
    }

    @Test
    void wrongMethodIs405WithTheAllowedOnes() {
        HttpResponse<String> deleteHealth = app.http().send(app.http().request("/health").DELETE());
        HttpResponse<String> getCleanup = app.http().get("/database/cleanup");

        error(deleteHealth, 405);
        assertThat(deleteHealth.headers().firstValue("Allow")).hasValue("GET, HEAD");
        error(getCleanup, 405);
        assertThat(getCleanup.headers().firstValue("Allow")).hasValue("POST");
    }

    @Test
    void bodyOver64KiBIs413() {
        String big = "{\"pad\":\"" + "x".repeat(70 * 1024) + "\"}";

        error(app.http().send(app.authorized("/database/cleanup").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(big))), 413);
    }

    @Test
    void bodyThatIsNotJsonIs415() {
        error(app.http().send(app.authorized("/database/cleanup").header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("dryRun=true"))), 415);
    }

    @Test
    void parametersInAJsonBodyAre400() {
        assertThat(error(app.http().send(app.authorized("/database/cleanup").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"dryRun\":true}"))), 400).get("message").asText()).contains("query string");
    }

    @Test
    void badQueryValuesAre400AndSayWhatIsAllowed() {
        assertThat(error(app.http().get("/maintenance/runs?limit=0"), 400).get("message").asText()).contains("limit").contains("1 to 500");
        error(app.http().get("/maintenance/runs?limit=501"), 400);
        error(app.http().get("/maintenance/runs?limit=ten"), 400);
        assertThat(error(app.http().send(app.authorized("/database/cleanup?dryRun=maybe").POST(HttpRequest.BodyPublishers.noBody())), 400)
                .get("message").asText()).contains("dryRun").contains("true or false");
        assertThat(error(app.http().send(app.authorized("/database/vacuum?table=users;DROP%20TABLE%20users").POST(HttpRequest.BodyPublishers.noBody())), 400)
                .get("message").asText()).contains("table");
        assertThat(error(app.http().get("/health?verbose=true"), 400).get("message").asText()).contains("verbose").contains("takes none");
    }

    @Test
    void runIdThatIsNotANumberIs400AndAnUnknownOneIs404() {
        assertThat(error(app.http().get("/maintenance/runs/latest"), 400).get("message").asText()).contains("whole number");
        assertThat(error(app.http().get("/maintenance/runs/987654321"), 404).get("message").asText()).contains("987654321");
    }
}
