package dev.botops.ui.tables;

import dev.botops.app.AppContext;
import dev.botops.config.Durations;
import dev.botops.maintenance.ResolvedPolicy;
import dev.botops.maintenance.RetentionPolicies;
import dev.botops.maintenance.RetentionPolicy;
import dev.botops.maintenance.RunReport;
import dev.botops.maintenance.StartResult;
import dev.botops.maintenance.Trigger;
import dev.botops.maintenance.VacuumReport;
import dev.botops.monitor.DatabaseSnapshot;
import java.util.HashMap;
import java.util.Locale;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** The Tables screen's data from the running services. */
public final class ServicesTablesSource implements TablesSource {
    private static final long VACUUM_WAIT_MINUTES = 30;

    private final AppContext context;
    /** By {@code schema.name}; policies are resolved once at start, so this never changes while running. */
    private final Map<String, String> retention = new HashMap<>();

    public ServicesTablesSource(AppContext context) {
        this.context = context;
        for (ResolvedPolicy p : context.maintenance().policies()) {
            retention.put(p.table().display(), describe(p.policy()) + ", " + strategy(p.strategy()));
        }
        // Disabled policies are not resolved; an unqualified name means BotOps' table, else the operator's in public.
        for (RetentionPolicy p : RetentionPolicies.fromSettings(context.settings())) {
            if (!p.enabled()) {
                List<String> names = p.table().contains(".") ? List.of(p.table())
                        : List.of(context.database().schema() + "." + p.table(), "public." + p.table());
                names.forEach(table -> retention.putIfAbsent(table, "kept (disabled)"));
            }
        }
    }

    private static String describe(RetentionPolicy policy) {
        return Durations.format(policy.maxAge()) + (policy.archive() ? ", archived" : "");
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
        context.monitor().addListener(listener);
        return () -> context.monitor().removeListener(listener);
    }

    @Override
    public Optional<DatabaseSnapshot> latest() {
        return context.monitor().lastReachable();
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
    public VacuumReport vacuum(String qualifiedName) throws Exception {
        StartResult start = context.maintenance().startVacuum(Set.of(qualifiedName), true, false, Trigger.MANUAL, "dashboard");
        if (!start.started()) {
            throw new IllegalStateException(start.reason());
        }
        RunReport report = start.completion().get(VACUUM_WAIT_MINUTES, TimeUnit.MINUTES);
        if (report.vacuum() == null) {
            throw new IllegalStateException(report.error() != null ? report.error()
                    : "the run ended " + report.outcome().name().toLowerCase(Locale.ROOT) + " without a VACUUM");
        }
        return report.vacuum();
    }

    @Override
    public void refresh() {
        try {
            context.monitor().refreshNow();
        } catch (IllegalStateException notStarted) {
            // The monitor is not running (a one-shot context): the figures stay as they are.
        }
    }
}
