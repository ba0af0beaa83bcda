package dev.botops.ui.main;

import static org.assertj.core.api.Assertions.assertThat;

import dev.botops.monitor.Alert;
import dev.botops.monitor.Severity;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CriticalBannerTest {
    private static Alert alert(String rule, Severity severity) {
        Instant t = Instant.parse("2026-11-27T12:00:00Z");
        return new Alert(1, rule, severity, rule + " message", "", t, t, null);
    }

    @Test
    void noCriticalAlertMeansNoBanner() {
        assertThat(CriticalBanner.text(List.of(alert("long-query", Severity.WARNING)))).isEmpty();
    }

    @Test
    void bannerShowsTheMostSevereCriticalAlertAndCountsTheOthers() {
        String text = CriticalBanner.text(List.of(alert("storage", Severity.CRITICAL), alert("database-unreachable", Severity.CRITICAL),
                alert("xid-age", Severity.CRITICAL), alert("long-query", Severity.WARNING)));

        assertThat(text).isEqualTo("⚠ CRITICAL: storage message  (+2 more critical alerts)");
    }
}
