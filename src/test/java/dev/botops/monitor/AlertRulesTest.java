package dev.botops.monitor;

import static dev.botops.monitor.SnapshotBuilder.snapshot;
import static org.assertj.core.api.Assertions.assertThat;

import dev.botops.config.SettingsLoader;
import dev.botops.monitor.AlertRules.Finding;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The rules on synthetic snapshots, with the default thresholds (storage 80/95 %, hysteresis 5 points, ...). */
class AlertRulesTest {
    private static final long MB = 1024 * 1024;
    private final AlertRules rules = new AlertRules(SettingsLoader.fromProperties(Map.of()));

    private Optional<Finding> finding(DatabaseSnapshot snapshot, String ruleId, Map<String, Severity> previous) {
        return finding(snapshot, null, ruleId, previous);
    }

    private Optional<Finding> finding(DatabaseSnapshot snapshot, Forecast forecast, String ruleId, Map<String, Severity> previous) {
        return rules.evaluate(snapshot, forecast, previous).stream().filter(f -> f.ruleId().equals(ruleId)).findFirst();
    }

    private static Map<String, Severity> none() {
        return Map.of();
    }

    @Test
    void healthySnapshotRaisesNothing() {
        assertThat(rules.evaluate(snapshot().build(), null, none())).isEmpty();
    }

    @Test
    void storageBelowWarningRaisesNothing() {
        assertThat(finding(snapshot().storagePercent(79.9).build(), AlertRules.STORAGE, none())).isEmpty();
    }

    @Test
    void storageAtWarningThresholdRaisesWarning() {
        Finding storage = finding(snapshot().storagePercent(80).build(), AlertRules.STORAGE, none()).orElseThrow();

        assertThat(storage.severity()).isEqualTo(Severity.WARNING);
        assertThat(storage.message()).contains("80.0 %");
        assertThat(storage.hint()).contains("botops maintenance");
    }

    @Test
    void storageAtCriticalThresholdRaisesCritical() {
        assertThat(finding(snapshot().storagePercent(95).build(), AlertRules.STORAGE, none()))
                .map(Finding::severity).contains(Severity.CRITICAL);
    }

    @Test
    void storageDippingJustBelowWarningKeepsTheActiveAlert() {
        assertThat(finding(snapshot().storagePercent(77).build(), AlertRules.STORAGE, Map.of(AlertRules.STORAGE, Severity.WARNING)))
                .map(Finding::severity).contains(Severity.WARNING);
    }

    @Test
    void storageFallingPastTheHysteresisBandClearsTheAlert() {
        assertThat(finding(snapshot().storagePercent(75).build(), AlertRules.STORAGE, Map.of(AlertRules.STORAGE, Severity.WARNING)))
                .isEmpty();
    }

    @Test
    void storageJustBelowWarningDoesNotRaiseANewAlert() {
        assertThat(finding(snapshot().storagePercent(77).build(), AlertRules.STORAGE, none())).isEmpty();
    }

    @Test
    void criticalStaysCriticalInsideItsBandAndFallsBackToWarningBelowIt() {
        Map<String, Severity> critical = Map.of(AlertRules.STORAGE, Severity.CRITICAL);

        assertThat(finding(snapshot().storagePercent(91).build(), AlertRules.STORAGE, critical))
                .map(Finding::severity).contains(Severity.CRITICAL);
        assertThat(finding(snapshot().storagePercent(89).build(), AlertRules.STORAGE, critical))
                .map(Finding::severity).contains(Severity.WARNING);
    }

    @Test
    void connectionsAreMeasuredAgainstTheUsableLimit() {
        Finding connections = finding(snapshot().connections(19, 20).build(), AlertRules.CONNECTIONS, none()).orElseThrow();

        assertThat(connections.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(connections.message()).startsWith("19 of 20 usable connections");
    }

    @Test
    void forecastUnderWarningDaysRaisesWarningAndUnderCriticalDaysCritical() {
        assertThat(finding(snapshot().build(), growing(13.9), AlertRules.FORECAST, none()))
                .map(Finding::severity).contains(Severity.WARNING);
        assertThat(finding(snapshot().build(), growing(2.9), AlertRules.FORECAST, none()))
                .map(Finding::severity).contains(Severity.CRITICAL);
        assertThat(finding(snapshot().build(), growing(14), AlertRules.FORECAST, none())).isEmpty();
    }

    @Test
    void forecastAlertClearsOnlyPastTheBandAboveTheThreshold() {
        Map<String, Severity> warning = Map.of(AlertRules.FORECAST, Severity.WARNING);

        assertThat(finding(snapshot().build(), growing(14.5), AlertRules.FORECAST, warning)).isPresent();
        assertThat(finding(snapshot().build(), growing(14.8), AlertRules.FORECAST, warning)).isEmpty();
    }

    @Test
    void forecastWithoutAGrowingAnswerRaisesNothing() {
        Forecast flat = new Forecast(Forecast.Outcome.NOT_GROWING, null, -5, 100, Duration.ofDays(7), List.of());

        assertThat(finding(snapshot().build(), flat, AlertRules.FORECAST, Map.of(AlertRules.FORECAST, Severity.CRITICAL))).isEmpty();
    }

    @Test
    void idleInTransactionLongerThanTheLimitRaisesWarningWithTerminateHint() {
        Finding idle = finding(snapshot().idleInTransaction(4242, Duration.ofMinutes(6)).build(),
                AlertRules.IDLE_IN_TRANSACTION, none()).orElseThrow();

        assertThat(idle.severity()).isEqualTo(Severity.WARNING);
        assertThat(idle.message()).contains("4242").contains("6m 0s");
        assertThat(idle.hint()).contains("SELECT pg_terminate_backend(4242);");
    }

    @Test
    void idleInTransactionShorterThanTheLimitRaisesNothing() {
        assertThat(finding(snapshot().idleInTransaction(4242, Duration.ofMinutes(4)).build(), AlertRules.IDLE_IN_TRANSACTION, none()))
                .isEmpty();
    }

    @Test
    void queryRunningLongerThanTheLimitRaisesWarningWithCancelHint() {
        Finding query = finding(snapshot().longestQuery(77, Duration.ofSeconds(61)).build(), AlertRules.LONG_QUERY, none())
                .orElseThrow();

        assertThat(query.hint()).isEqualTo("Cancel it if it should not run this long: SELECT pg_cancel_backend(77);");
    }

    @Test
    void bigTableWithManyDeadRowsNeedsVacuumWithCopyableSql() {
        Finding dead = finding(snapshot().table("message_log", 50 * MB, 700, 300).build(),
                "dead-rows:public.message_log", none()).orElseThrow();

        assertThat(dead.severity()).isEqualTo(Severity.WARNING);
        assertThat(dead.message()).contains("30.0 % dead rows");
        assertThat(dead.hint()).isEqualTo("VACUUM (ANALYZE) public.message_log;");
    }

    @Test
    void smallTableWithManyDeadRowsRaisesNothing() {
        assertThat(finding(snapshot().table("tiny", 5 * MB, 100, 900).build(), "dead-rows:public.tiny", none())).isEmpty();
    }

    @Test
    void transactionIdAgePastTheBoundIsCritical() {
        assertThat(finding(snapshot().xidAge(1_000_000_000L).build(), AlertRules.XID_AGE, none()))
                .map(Finding::severity).contains(Severity.CRITICAL);
        assertThat(finding(snapshot().xidAge(999_999_999L).build(), AlertRules.XID_AGE, none())).isEmpty();
    }

    @Test
    void rulesOwnTheirIdsAndNotThoseOfOtherParts() {
        assertThat(AlertRules.owns("storage")).isTrue();
        assertThat(AlertRules.owns("dead-rows:public.trades")).isTrue();
        assertThat(AlertRules.owns("bot-conflict")).isFalse();
        assertThat(AlertRules.owns("maintenance-failed")).isFalse();
    }

    private static Forecast growing(double days) {
        return new Forecast(Forecast.Outcome.GROWING, days, 1_000_000, 100, Duration.ofDays(7), List.of());
    }
}
