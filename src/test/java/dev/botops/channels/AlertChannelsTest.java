package dev.botops.channels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.botops.config.ConfigException;
import dev.botops.config.Settings;
import dev.botops.config.SettingsLoader;
import dev.botops.monitor.Severity;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlertChannelsTest {
    private static final String SLACK_URL = "https://hooks.slack.com/services/T000/B000/XXXXsecretXXXX";

    @Test
    void namedWebhooksAndTheEmailChannelAreReadWithTheirMinimumSeverities() {
        AlertChannels channels = AlertChannels.from(SettingsLoader.fromProperties(Map.of(
                "alerts.webhook.ops.url", SLACK_URL,
                "alerts.webhook.ops.format", "slack",
                "alerts.webhook.pager.url", "https://ntfy.sh/botops-pager",
                "alerts.webhook.pager.format", "ntfy",
                "alerts.webhook.pager.min-severity", "critical",
                "alerts.email.host", "smtp.example.org",
                "alerts.email.user", "botops@example.org",
                "alerts.email.to", "ops@example.org, oncall@example.org")));

        assertThat(channels.names()).containsExactly("ops", "pager", "email");
        assertThat(channels.named("ops").orElseThrow()).satisfies(ops -> {
            assertThat(ops.kind()).isEqualTo("webhook (slack)");
            assertThat(ops.minSeverity()).isEqualTo(Severity.WARNING);
            assertThat(ops.destination()).isEqualTo("https://hooks.slack.com/****");
        });
        assertThat(channels.named("pager").orElseThrow().minSeverity()).isEqualTo(Severity.CRITICAL);
        assertThat(channels.named("email").orElseThrow().destination())
                .isEqualTo("ops@example.org, oncall@example.org via smtp.example.org:587 (starttls)");
    }

    @Test
    void webhooksCanBeSetThroughTheEnvironment() {
        Settings settings = SettingsLoader.load(null, Map.of(
                "XDG_CONFIG_HOME", "/nonexistent",
                "BOTOPS_ALERTS_WEBHOOK_TEAM_CHAT_URL", SLACK_URL,
                "BOTOPS_ALERTS_WEBHOOK_TEAM_CHAT_FORMAT", "discord",
                "BOTOPS_ALERTS_WEBHOOK_TEAM_CHAT_MIN_SEVERITY", "info"), Map.of());

        AlertChannel chat = AlertChannels.from(settings).named("team-chat").orElseThrow();

        assertThat(chat.kind()).isEqualTo("webhook (discord)");
        assertThat(chat.minSeverity()).isEqualTo(Severity.INFO);
    }

    @Test
    void webhookUrlsAreMaskedWhereSettingsAreShown() {
        Settings settings = SettingsLoader.fromProperties(Map.of("alerts.webhook.ops.url", SLACK_URL));

        assertThat(settings.toString()).contains("alerts.webhook.ops.url = https://hooks.slack.com/****").doesNotContain("XXXXsecretXXXX");
    }

    @Test
    void aBadWebhookSettingNamesTheKeyAndNeverShowsTheToken() {
        assertThatThrownBy(() -> AlertChannels.from(SettingsLoader.fromProperties(Map.of(
                "alerts.webhook.ops.url", SLACK_URL, "alerts.webhook.ops.format", "teams"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("alerts.webhook.ops.format").hasMessageContaining("slack");
        assertThatThrownBy(() -> AlertChannels.from(SettingsLoader.fromProperties(Map.of(
                "alerts.webhook.ops.url", "ftp://hooks.example.org/XXXXsecretXXXX"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("alerts.webhook.ops.url")
                .hasMessageNotContaining("XXXXsecretXXXX");
        assertThatThrownBy(() -> AlertChannels.from(SettingsLoader.fromProperties(Map.of("alerts.webhook.ops.uri", SLACK_URL))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("alerts.webhook.ops.uri").hasMessageContaining(".url");
        assertThatThrownBy(() -> AlertChannels.from(SettingsLoader.fromProperties(Map.of("alerts.webhook.email.url", SLACK_URL))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("Invalid webhook name");
    }

    @Test
    void theEmailChannelNeedsRecipients() {
        assertThatThrownBy(() -> AlertChannels.from(SettingsLoader.fromProperties(Map.of(
                "alerts.email.host", "smtp.example.org", "alerts.email.user", "botops@example.org"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("alerts.email.to");
    }

    @Test
    void noSettingsNoChannels() {
        assertThat(AlertChannels.from(SettingsLoader.fromProperties(Map.of())).isEmpty()).isTrue();
    }
}
