package dev.botops.app.desktop;

import dev.botops.config.Durations;
import dev.botops.config.ConfigKey;
import dev.botops.config.Settings;
import dev.botops.maintenance.MaintenanceService;
import dev.botops.maintenance.ResolvedPolicy;
import dev.botops.maintenance.RetentionPolicies;
import dev.botops.maintenance.RetentionPolicy;
import dev.botops.maintenance.RunReport;
import dev.botops.maintenance.StartResult;
import dev.botops.maintenance.Trigger;
import dev.botops.maintenance.VacuumReport;
import dev.botops.monitor.DatabaseSnapshot;
import dev.botops.monitor.MonitorService;
import dev.botops.ui.tables.TablesSource;
import java.util.HashMap;
import java.util.Locale;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/** The Tables screen's data from the running monitor and maintenance; its VACUUM runs here, recorded as the dashboard's. */
final class ServicesTablesSource implements TablesSource {
    private final MaintenanceService maintenance;
    private final MonitorService monitor;
    /** By {@code schema.name}; policies are resolved once at start, so this never changes while running. */
    private final Map<String, String> retention = new HashMap<>();

    ServicesTablesSource(MaintenanceService maintenance, MonitorService monitor, Settings settings) {
        this.maintenance = maintenance;
        this.monitor = monitor;
        for (ResolvedPolicy p : maintenance.policies()) {
            retention.put(p.table().display(), describe(p) + ", " + strategy(p.strategy()));
        }
        // Disabled policies are not resolved; an unqualified name means BotOps' table, else the operator's in public.
        for (RetentionPolicy p : RetentionPolicies.fromSettings(settings)) {
            if (!p.enabled()) {
                List<String> names = p.table().contains(".") ? List.of(p.table())
                        : List.of(settings.string(ConfigKey.DATABASE_SCHEMA) + "." + p.table(), "public." + p.table());
                names.forEach(table -> retention.putIfAbsent(table, "kept (disabled)"));
            }
        }
    }

    private static String describe(ResolvedPolicy policy) {
        return Durations.format(policy.policy().maxAge()) + (policy.archives() ? ", archived" : "");
    }

    private static String strategy(ResolvedPolicy.Strategy strategy) {
        switch (strategy) {
            case PARTITION_DROP:
                return "partition drop";
            case BATCHED_PER_PARTITION:
                return "batched per partition";
            default:
                return "batched";
        }
    }

    @Override
    public Runnable subscribe(Consumer<DatabaseSnapshot> listener) {
        monitor.addListener(listener);
        return () -> monitor.removeListener(listener);
    }

    @Override
    public Optional<DatabaseSnapshot> latest() {
        return monitor.lastReachable();
    }

    @Override
    public String retention(String table, String partitionOf) {
        String own = retention.get(table);
        if (own != null) {
            return own;
        }
        return partitionOf == null ? "—" : retention.getOrDefault(partitionOf, "—");
    }

    @Override
    public CompletionStage<VacuumReport> vacuum(String qualifiedName) {
        StartResult start = maintenance.startVacuum(Set.of(qualifiedName), true, false, Trigger.MANUAL, ServicesMaintenanceSource.CALLER);
        if (!start.started()) {
            return CompletableFuture.failedFuture(new IllegalStateException(start.reason()));
        }
        return start.completion().thenApply(ServicesTablesSource::vacuumOf);
    }

    private static VacuumReport vacuumOf(RunReport report) {
        if (report.vacuum() == null) {
            throw new IllegalStateException(report.error() != null ? report.error()
                    : "the run ended " + report.outcome().name().toLowerCase(Locale.ROOT) + " without a VACUUM");
        }
        return report.vacuum();
    }

    @Override
    public void refresh() {
        try {
            monitor.refreshNow();
        } catch (IllegalStateException notStarted) {
            // The monitor is not running (a one-shot context): the figures stay as they are.
        }
    }
}
