package dev.botops.maintenance;

import dev.botops.db.Database;
import dev.botops.db.Work;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Does the work of one run (cleanup, VACUUM, health) and reports it; the service around it handles guard, lock and log. */
final class RunPerformer {
    private static final Logger log = LoggerFactory.getLogger(RunPerformer.class);

    /** What the performer needs to know beyond the request. */
    record Context(long runId, String instance, Trigger trigger, String caller, Instant startedAt, long databaseBytesBefore,
                   RunControl control, ProgressTracker progress) {
    }

    private final Database db;
    private final List<ResolvedPolicy> policies;
    private final RetentionCleaner cleaner;
    private final PartitionManager partitions;
    private final VacuumRunner vacuum;
    private final StorageCheck health;
    private final MaintenanceSettings settings;
    private final Clock clock;

    RunPerformer(Database db, List<ResolvedPolicy> policies, RetentionCleaner cleaner, PartitionManager partitions, VacuumRunner vacuum,
                 StorageCheck health, MaintenanceSettings settings, Clock clock) {
        this.db = db;
        this.policies = policies;
        this.cleaner = cleaner;
        this.partitions = partitions;
        this.vacuum = vacuum;
        this.health = health;
        this.settings = settings;
        this.clock = clock;
    }

    RunReport perform(RunRequest request, Context ctx) {
        List<TableResult> tables = new ArrayList<>();
        VacuumReport vacuumReport = null;
        StorageReport healthReport = null;
        List<String> errors = new ArrayList<>();
        Outcome stoppedBy = null;
        Instant now = ctx.startedAt();
        try {
            switch (request.kind()) {
                case CLEANUP:
                case QUICK_CLEANUP:
                case DAILY:
                    List<ResolvedPolicy> chosen = policiesFor(request);
                    if (!request.dryRun()) {
                        ensurePartitionsAhead(now, errors);
                    }
                    stoppedBy = cleanup(chosen, request.dryRun(), now, ctx, tables);
                    if (request.vacuum() != null && !request.dryRun() && stoppedBy == null) {
                        vacuumReport = vacuum.vacuum(tablesToVacuumAfterCleanup(request, tables), request.vacuum().analyze(),
                                request.vacuum().full(), ctx.control());
                    }
                    if (request.kind() == RunKind.DAILY) {
                        healthReport = health.check(partitioned(), now, settings.partitionsAhead());
                    }
                    break;
                case VACUUM:
                    List<TableRef> targets = request.tables().isEmpty()
                            ? vacuum.tablesNeedingVacuum(settings.deadRowsPercent(), settings.deadRowsMinBytes())
                            : request.tables().stream().map(vacuum::resolve).toList();
                    vacuumReport = vacuum.vacuum(targets, request.vacuum().analyze(), request.vacuum().full(), ctx.control());
                    break;
                case HEALTH:
                    healthReport = health.check(partitioned(), now, settings.partitionsAhead());
                    break;
                default:
                    throw new IllegalStateException("Unknown run kind " + request.kind());
            }
        } catch (RuntimeException e) {
            log.warn("Maintenance run {} failed: {}", ctx.runId(), e.getMessage());
            errors.add(e.getMessage());
        }
        if (ctx.control().lostReason() != null) {
            errors.add(ctx.control().lostReason());
        }
        tables.stream().filter(t -> t.error() != null).forEach(t -> errors.add(t.table() + ": " + t.error()));
        if (vacuumReport != null) {
            vacuumReport.tables().stream().filter(t -> t.refusedReason() != null).forEach(t -> errors.add(t.refusedReason()));
            vacuumReport.tables().stream().filter(t -> t.error() != null).forEach(t -> errors.add("VACUUM " + t.table() + ": " + t.error()));
        }
        Outcome outcome = !errors.isEmpty() ? Outcome.FAILED : stoppedBy != null ? stoppedBy : Outcome.SUCCEEDED;
        long rows = tables.stream().mapToLong(TableResult::rows).sum();
        long after = databaseBytes(ctx.databaseBytesBefore());
        return new RunReport(ctx.runId(), ctx.instance(), request.kind(), ctx.trigger(), ctx.caller(), request.dryRun(), ctx.startedAt(),
                clock.instant(), outcome, rows, ctx.databaseBytesBefore(), after, tables, vacuumReport, healthReport,
                errors.isEmpty() ? null : String.join("; ", errors));
    }

    private long databaseBytes(long fallback) {
        try {
            return db.withConnection(Work.MAINTENANCE, Catalog::databaseBytes);
        } catch (RuntimeException e) {
            return fallback;
        }
    }

    /** Plans every policy first (so progress knows the total), then carries the plans out in order. */
    private Outcome cleanup(List<ResolvedPolicy> chosen, boolean dryRun, Instant now, Context ctx, List<TableResult> results) {
        List<RetentionCleaner.Plan> plans = new ArrayList<>();
        for (ResolvedPolicy policy : chosen) {
            try {
                plans.add(cleaner.plan(policy, now, dryRun));
            } catch (RuntimeException e) {
                log.warn("Planning retention of {} failed: {}", policy.table(), e.getMessage());
                results.add(new TableResult(policy.policy().name(), policy.table().display(), policy.strategy().name(),
                        policy.policy().cutoff(now), 0, List.of(), 0, 0, 0, 0, null, null, e.getMessage()));
            }
        }
        ctx.progress().expect(plans.stream().mapToLong(RetentionCleaner.Plan::rows).sum());
        ctx.progress().started();
        for (RetentionCleaner.Plan plan : plans) {
            if (dryRun) {
                results.add(cleaner.dryRunResult(plan));
                continue;
            }
            Outcome stop = ctx.control().stopReason(Duration.ZERO);
            if (stop != null) {
                return stop;
            }
            TableResult result = cleaner.execute(plan, ctx.runId(), ctx.control(), ctx.progress());
            results.add(result);
            if (result.stoppedBy() != null) {
                return result.stoppedBy();
            }
        }
        return null;
    }

    /**
     * Checks the tables a request names before it runs: a cleanup's names must each be covered by a policy (or, with
     * VACUUM, be a table to vacuum), a VACUUM's must be tables maintenance acts on ({@link UserTables}). Throws
     * {@link TableRefusedException} saying why not.
     */
    void check(RunRequest request) {
        boolean cleanup = request.kind() == RunKind.CLEANUP || request.kind() == RunKind.QUICK_CLEANUP || request.kind() == RunKind.DAILY;
        for (String table : request.tables()) {
            if (cleanup && policies.stream().anyMatch(p -> matches(p, table))) {
                continue;
            }
            if (request.vacuum() != null) {
                vacuum.resolve(table);
            } else {
                throw new TableRefusedException("No enabled retention policy covers " + table + ". Policies cover: "
                        + policies.stream().map(p -> p.table().display()).collect(Collectors.joining(", ")) + ".");
            }
        }
    }

    private List<ResolvedPolicy> policiesFor(RunRequest request) {
        if (request.tables().isEmpty()) {
            return policies;
        }
        return policies.stream().filter(p -> request.tables().stream().anyMatch(t -> matches(p, t))).toList();
    }

    private static boolean matches(ResolvedPolicy policy, String table) {
        String wanted = table.toLowerCase(Locale.ROOT);
        return wanted.equals(policy.table().name().toLowerCase(Locale.ROOT)) || wanted.equals(policy.table().display().toLowerCase(Locale.ROOT))
                || wanted.equals(policy.policy().name().toLowerCase(Locale.ROOT));
    }

    /** The named tables, else the tables this run deleted rows from plus those whose dead rows call for it. */
    private List<TableRef> tablesToVacuumAfterCleanup(RunRequest request, List<TableResult> results) {
        if (!request.tables().isEmpty()) {
            return request.tables().stream().map(vacuum::resolve).toList();
        }
        Set<TableRef> tables = new LinkedHashSet<>();
        for (TableResult result : results) {
            if (result.reusableBytes() > 0) {
                policies.stream().filter(p -> p.table().display().equals(result.table())).findFirst().ifPresent(p -> tables.add(p.table()));
            }
        }
        tables.addAll(vacuum.tablesNeedingVacuum(settings.deadRowsPercent(), settings.deadRowsMinBytes()));
        return List.copyOf(tables);
    }

    private List<ResolvedPolicy> partitioned() {
        return policies.stream().filter(p -> p.strategy() == ResolvedPolicy.Strategy.PARTITION_DROP).toList();
    }

    /** Daily partitions for every UTC day from {@code first} to {@code last} in each table whose retention drops partitions. */
    List<String> ensureDays(LocalDate first, LocalDate last) {
        List<String> created = new ArrayList<>();
        for (ResolvedPolicy policy : partitioned()) {
            created.addAll(partitions.ensureDays(policy.table(), policy.column(), first, last));
        }
        return created;
    }

    /** Partitions ahead are created by every non-dry run; a failure (a busy lock) is reported and retried next time. */
    void ensurePartitionsAhead(Instant now, List<String> errors) {
        for (ResolvedPolicy policy : partitioned()) {
            try {
                partitions.ensureAhead(policy.table(), policy.column(), now, settings.partitionsAhead());
            } catch (RuntimeException e) {
                log.warn("Creating partitions ahead for {} failed: {}", policy.table(), e.getMessage());
                if (errors != null) {
                    errors.add("partitions ahead for " + policy.table() + ": " + e.getMessage());
                }
            }
        }
    }
}
