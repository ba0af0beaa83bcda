package dev.botops.maintenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.botops.config.ConfigException;
import dev.botops.testing.PostgresExtension;
import dev.botops.testing.TestDatabase;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A bad policy is a clear error when maintenance starts, not a failed run at 3 AM. */
@ExtendWith(PostgresExtension.class)
class PolicyValidationTest {

    @Test
    void policyNamingAMissingTableIsRejectedAtStart(TestDatabase testDb) {
        assertThatThrownBy(() -> new MaintenanceHarness(testDb, Map.of("retention.ghost.table", "no_such_table",
                "retention.ghost.column", "created_at", "retention.ghost.max-age", "1d")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("retention.ghost.table").hasMessageContaining("'no_such_table' does not exist");
    }

    @Test
    void policyNamingAMissingColumnIsRejectedAtStart(TestDatabase testDb) {
        assertThatThrownBy(() -> new MaintenanceHarness(testDb, Map.of("retention.message_log.column", "created")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("retention.message_log.column").hasMessageContaining("has no column 'created'");
    }

    @Test
    void policyOnANonTimestampColumnIsRejectedAtStart(TestDatabase testDb) {
        assertThatThrownBy(() -> new MaintenanceHarness(testDb, Map.of("retention.trades.enabled", "true",
                "retention.trades.max-age", "365d", "retention.trades.column", "symbol")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("must be a timestamp or date");
    }

    @Test
    void policyWithANegativeAgeIsRejectedAtStart(TestDatabase testDb) {
        assertThatThrownBy(() -> new MaintenanceHarness(testDb, Map.of("retention.metric_samples.max-age", "-1d")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("must not be negative");
    }

    @Test
    void disabledPolicyOnAMissingTableIsNotChecked(TestDatabase testDb) {
        try (MaintenanceHarness m = new MaintenanceHarness(testDb, Map.of("retention.gone.table", "gone", "retention.gone.column", "at",
                "retention.gone.enabled", "false"))) {
            assertThat(m.service.policies()).extracting(p -> p.policy().name()).doesNotContain("gone", "trades");
        }
    }

    @Test
    void defaultPoliciesResolveWithPartitionDropForTheTimePartitionedTables(TestDatabase testDb) {
        try (MaintenanceHarness m = new MaintenanceHarness(testDb, Map.of())) {
            assertThat(m.service.policies()).filteredOn(p -> p.strategy() == ResolvedPolicy.Strategy.PARTITION_DROP)
                    .extracting(p -> p.table().name()).containsExactlyInAnyOrder("message_log", "price_ticks", "metric_samples");
            assertThat(m.service.policies()).filteredOn(p -> p.strategy() == ResolvedPolicy.Strategy.BATCHED)
                    .extracting(p -> p.table().name()).containsExactlyInAnyOrder("processed_updates", "maintenance_runs", "alerts");
        }
    }
}
