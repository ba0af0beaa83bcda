package dev.botops.maintenance;

import java.time.Duration;
import java.util.Set;

/**
 * What a run should do.
 *
 * @param tables tables to limit the run to (policy tables for cleanup, tables to VACUUM); empty means all
 * @param budget time budget, or {@code null} for none
 * @param vacuum VACUUM after a cleanup (or the options of a VACUUM run), or {@code null} for none
 */
public record RunRequest(RunKind kind, boolean dryRun, Set<String> tables, Duration budget, VacuumOptions vacuum) {
    public RunRequest {
        tables = Set.copyOf(tables);
    }

    /** VACUUM options: {@code ANALYZE} refreshes planner statistics; {@code FULL} rewrites the table (guarded). */
    public record VacuumOptions(boolean analyze, boolean full) {
    }

    public static RunRequest cleanup(boolean dryRun) {
        return new RunRequest(RunKind.CLEANUP, dryRun, Set.of(), null, null);
    }

    public static RunRequest quickCleanup(Duration budget) {
        return new RunRequest(RunKind.QUICK_CLEANUP, false, Set.of(), budget, null);
    }

    public static RunRequest daily() {
        return new RunRequest(RunKind.DAILY, false, Set.of(), null, new VacuumOptions(true, false));
    }

    public static RunRequest vacuum(Set<String> tables, boolean analyze, boolean full) {
        return new RunRequest(RunKind.VACUUM, false, tables, null, new VacuumOptions(analyze, full));
    }

    public static RunRequest health() {
        return new RunRequest(RunKind.HEALTH, false, Set.of(), null, null);
    }

    public RunRequest withTables(Set<String> onlyTables) {
        return new RunRequest(kind, dryRun, onlyTables, budget, vacuum);
    }

    public RunRequest withBudget(Duration timeBudget) {
        return new RunRequest(kind, dryRun, tables, timeBudget, vacuum);
    }

    public RunRequest withVacuum(VacuumOptions options) {
        return new RunRequest(kind, dryRun, tables, budget, options);
    }
}
