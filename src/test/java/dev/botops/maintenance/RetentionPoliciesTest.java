package dev.botops.maintenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.botops.config.ConfigException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RetentionPoliciesTest {

    private static RetentionPolicy named(List<RetentionPolicy> policies, String name) {
        return policies.stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void defaultsCoverEverythingThatGrowsAndKeepTrades() {
        List<RetentionPolicy> policies = RetentionPolicies.parse(Map.of());

        assertThat(named(policies, "message_log").maxAge()).isEqualTo(Duration.ofDays(30));
        assertThat(named(policies, "price_ticks").maxAge()).isEqualTo(Duration.ofDays(30));
        assertThat(named(policies, "processed_updates").maxAge()).isEqualTo(Duration.ofDays(7));
        assertThat(named(policies, "processed_updates").column()).isEqualTo("processed_at");
        assertThat(named(policies, "alerts").column()).isEqualTo("resolved_at");
        assertThat(policies).extracting(RetentionPolicy::name).contains("metric_samples", "maintenance_runs");
        assertThat(named(policies, "trades").enabled()).isFalse();
    }

    @Test
    void dynamicKeysOverrideADefaultPolicy() {
        RetentionPolicy policy = named(RetentionPolicies.parse(Map.of("retention.message_log.max-age", "14d",
                "retention.message_log.archive", "true", "retention.message_log.batch-size", "2000")), "message_log");

        assertThat(policy.maxAge()).isEqualTo(Duration.ofDays(14));
        assertThat(policy.archive()).isTrue();
        assertThat(policy.batchSize()).isEqualTo(2000);
        assertThat(policy.column()).isEqualTo("logged_at");
    }

    @Test
    void dynamicKeysAddAPolicyForAUsersOwnTable() {
        RetentionPolicy policy = named(RetentionPolicies.parse(Map.of("retention.events.table", "bot.user_events",
                "retention.events.column", "created_at", "retention.events.max-age", "12h")), "events");

        assertThat(policy).isEqualTo(new RetentionPolicy("events", "bot.user_events", "created_at", Duration.ofHours(12),
                RetentionPolicies.DEFAULT_BATCH_SIZE, false, true));
    }

    @Test
    void negativeMaximumAgeIsRejectedNamingTheKey() {
        assertThatThrownBy(() -> RetentionPolicies.parse(Map.of("retention.message_log.max-age", "-5d")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("retention.message_log.max-age").hasMessageContaining("'-5d'").hasMessageContaining("negative");
    }

    @Test
    void zeroMaximumAgeIsRejectedBecauseItWouldDeleteEverything() {
        assertThatThrownBy(() -> RetentionPolicies.parse(Map.of("retention.price_ticks.max-age", "0d")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("delete every row");
    }

    @Test
    void unknownRetentionSettingIsRejectedListingTheKnownOnes() {
        assertThatThrownBy(() -> RetentionPolicies.parse(Map.of("retention.message_log.maxage", "5d")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("retention.message_log.maxage").hasMessageContaining("max-age");
    }

    @Test
    void enablingTradesWithoutAnAgeIsRejected() {
        assertThatThrownBy(() -> RetentionPolicies.parse(Map.of("retention.trades.enabled", "true")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("retention.trades.max-age");
    }

    @Test
    void newPolicyWithoutAColumnIsRejected() {
        assertThatThrownBy(() -> RetentionPolicies.parse(Map.of("retention.events.max-age", "3d")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("retention.events.column");
    }

    @Test
    void cutoffIsExactlyTheMaximumAgeBeforeNow() {
        RetentionPolicy policy = named(RetentionPolicies.parse(Map.of()), "processed_updates");

        assertThat(policy.cutoff(java.time.Instant.parse("2026-11-27T12:00:00Z"))).isEqualTo("2026-11-20T12:00:00Z");
    }
}
