package dev.botops.channels;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import dev.botops.config.ConfigKey.MailSecurity;
import dev.botops.monitor.Alert;
import dev.botops.monitor.Severity;
import dev.botops.testing.Ports;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Alert e-mails against GreenMail's in-process SMTP servers on loopback (free ports). */
class EmailChannelTest {
    private static final String PASSWORD = "s3cret-smtp-pass";
    private static final Instant STARTED = Instant.parse("2026-03-01T10:00:00Z");

    @RegisterExtension
    static final GreenMailExtension MAIL = new GreenMailExtension(new ServerSetup[] {
            new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort(),
            new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTPS).dynamicPort()})
            .withPerMethodLifecycle(true);

    private static Notification storageStart() {
        Alert alert = new Alert(42, "storage", Severity.CRITICAL, "The database uses 9.6 GB of the 10 GB storage quota (96.0 %).",
                "Run maintenance.", STARTED, STARTED, null);
        return new Notification(Notification.Kind.START, "42:start", alert, 0, "server-a", STARTED.plusSeconds(1));
    }

    private static EmailChannel channel(int port, MailSecurity security, String password, Properties extra) {
        return new EmailChannel(new EmailChannel.Server("127.0.0.1", port, security, "botops", password), "botops@example.org",
                List.of("ops@example.org"), Severity.WARNING, Duration.ofSeconds(5), extra);
    }

    @Test
    void alertArrivesAsAnEmailWithTheTitleAsSubjectAfterALogin() throws Exception {
        MAIL.setUser("botops@example.org", "botops", PASSWORD);

        SendResult result = channel(MAIL.getSmtp().getPort(), MailSecurity.NONE, PASSWORD, new Properties()).send(storageStart());

        assertThat(result.delivered()).as(result.detail()).isTrue();
        MimeMessage[] mails = MAIL.getReceivedMessages();
        assertThat(mails).hasSize(1);
        assertThat(mails[0].getSubject()).isEqualTo("[CRITICAL] storage: The database uses 9.6 GB of the 10 GB storage quota (96.0 %).");
        assertThat(mails[0].getAllRecipients()[0].toString()).isEqualTo("ops@example.org");
        assertThat(GreenMailUtil.getBody(mails[0])).contains("What to do: Run maintenance.");
        assertThat(mails[0].getHeader("X-BotOps-Alert")[0]).isEqualTo("42:start");
    }

    @Test
    void alertArrivesOverTlsFromTheFirstByte() throws Exception {
        MAIL.setUser("botops@example.org", "botops", PASSWORD);
        // GreenMail's certificate is its own: trust that host for the test, as a real server's would be by its CA.
        Properties trustTheTestServer = new Properties();
        trustTheTestServer.put("mail.smtp.ssl.trust", "127.0.0.1");
        trustTheTestServer.put("mail.smtp.ssl.checkserveridentity", "false");

        SendResult result = channel(MAIL.getSmtps().getPort(), MailSecurity.TLS, PASSWORD, trustTheTestServer).send(storageStart());

        assertThat(result.delivered()).as(result.detail()).isTrue();
        assertThat(MAIL.getReceivedMessages()).hasSize(1);
    }

    @Test
    void starttlsIsRequiredSoAServerWithoutItGetsNothingInTheClear() {
        MAIL.setUser("botops@example.org", "botops", PASSWORD);

        SendResult result = channel(MAIL.getSmtp().getPort(), MailSecurity.STARTTLS, PASSWORD, new Properties()).send(storageStart());

        assertThat(result.delivered()).isFalse();
        assertThat(result.detail()).containsIgnoringCase("STARTTLS");
        assertThat(MAIL.getReceivedMessages()).isEmpty();
    }

    @Test
    void refusedLoginFailsForGoodAndNeverShowsThePassword() {
        MAIL.setUser("botops@example.org", "botops", PASSWORD);

        SendResult result = channel(MAIL.getSmtp().getPort(), MailSecurity.NONE, "wrong-" + PASSWORD, new Properties()).send(storageStart());

        assertThat(result.outcome()).isEqualTo(SendResult.Outcome.FAILED);
        assertThat(result.detail()).contains("refused the login of botops").doesNotContain(PASSWORD);
    }

    @Test
    void serverThatIsDownIsRetried() {
        int closedPort = Ports.closed();

        SendResult result = channel(closedPort, MailSecurity.NONE, PASSWORD, new Properties()).send(storageStart());

        assertThat(result.outcome()).isEqualTo(SendResult.Outcome.RETRY);
        assertThat(result.detail()).contains("could not send through 127.0.0.1:" + closedPort).doesNotContain(PASSWORD);
    }
}
