package dev.botops.ui.maintenance;

import dev.botops.maintenance.Outcome;
import dev.botops.maintenance.RunKind;
import dev.botops.maintenance.RunRecord;
import dev.botops.maintenance.RunReport;
import dev.botops.maintenance.StorageReport;
import dev.botops.maintenance.TableResult;
import dev.botops.maintenance.VacuumReport;
import dev.botops.ui.common.Formats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How a maintenance run reads on the dashboard: the one owner of the texts the panels of the Maintenance screen and
 * the Tables screen show for a run's report (the command line's are {@code maintenance.RunSummary}'s).
 */
public final class RunReportText {
    private RunReportText() {
    }

    /** What the previewed cleanup would delete and the space it would free. */
    static String previewSummary(RunReport report) {
        long rows = report.rowsDeleted();
        long tablesWithRows = report.tables().stream().filter(t -> t.rows() > 0).count();
        long quota = report.tables().stream().mapToLong(TableResult::quotaBytesFreed).sum();
        long reusable = report.tables().stream().mapToLong(TableResult::reusableBytes).sum();
        return rows == 0 ? "Nothing has expired: a cleanup would delete no rows."
                : String.format(Locale.ROOT, "%,d expired rows in %d table(s) would be deleted: %s back to the quota at once "
                        + "(partitions dropped whole), ~%s reusable inside the tables.", rows, tablesWithRows, Formats.bytes(quota),
                Formats.bytes(reusable));
    }

    /** A cleanup's outcome; {@code previewed} is the row count its preview promised. */
    static String cleanupResult(RunReport r, long previewed) {
        String size = "Database " + Formats.bytes(r.databaseBytesBefore()) + " → " + Formats.bytes(r.databaseBytesAfter()) + ".";
        switch (r.outcome()) {
            case SUCCEEDED:
                return String.format(Locale.ROOT, "Run %d deleted %,d rows in %s. %s", r.runId(), r.rowsDeleted(), seconds(r.duration()), size);
            case CANCELLED:
            case BUDGET_REACHED:
                return String.format(Locale.ROOT, "Run %d was %s after %,d of %,d rows (%s). Every committed batch stays done; "
                                + "the next cleanup deletes the rest. %s", r.runId(), r.outcome() == Outcome.CANCELLED ? "cancelled" : "stopped by its time budget",
                        r.rowsDeleted(), previewed, seconds(r.duration()), size);
            default:
                return String.format(Locale.ROOT, "Run %d %s after deleting %,d rows: %s", r.runId(), outcome(r.outcome()), r.rowsDeleted(),
                        r.error());
        }
    }

    /** Every table a VACUUM run did, sizes and dead rows before and after, and what went back to the quota. */
    static String vacuum(RunReport report) {
        VacuumReport v = report.vacuum();
        if (v == null) {
            return "VACUUM failed: " + report.error();
        }
        List<String> lines = new ArrayList<>();
        if (v.tables().isEmpty()) {
            lines.add("No table needed VACUUM.");
        }
        for (VacuumReport.TableVacuum t : v.tables()) {
            if (t.refusedReason() != null) {
                lines.add(t.refusedReason());
            } else if (t.error() != null) {
                lines.add((t.full() ? "VACUUM FULL " : "VACUUM ") + t.table() + " failed: " + t.error());
            } else {
                lines.add(String.format(Locale.ROOT, "%s%s: %s → %s, dead rows %,d → %,d%s", t.full() ? "VACUUM FULL " : "", t.table(),
                        Formats.bytes(t.bytesBefore()), Formats.bytes(t.bytesAfter()), t.deadRowsBefore(), t.deadRowsAfter(),
                        t.reusableBytes() > 0 ? ", ~" + Formats.bytes(t.reusableBytes()) + " reusable inside the table" : ""));
            }
        }
        lines.add(Formats.bytes(v.returnedToQuota()) + " returned to the quota (database " + Formats.bytes(v.databaseBytesBefore())
                + " → " + Formats.bytes(v.databaseBytesAfter()) + ").");
        return String.join("\n", lines);
    }

    /** One table's VACUUM (ANALYZE) in a sentence, as the Tables screen reports it. */
    public static String vacuumOfOneTable(String table, VacuumReport report) {
        if (report.tables().isEmpty()) {
            return "VACUUM (ANALYZE) " + table + " did not run (the run was stopped).";
        }
        VacuumReport.TableVacuum t = report.tables().get(0);
        if (t.error() != null || t.refusedReason() != null) {
            return "VACUUM (ANALYZE) " + table + " failed: " + (t.error() != null ? t.error() : t.refusedReason());
        }
        return String.format(Locale.ROOT, "VACUUM (ANALYZE) %s done: table %s → %s, dead rows %,d → %,d, database %s → %s"
                        + " (%s back to the quota).", table, Formats.bytes(t.bytesBefore()), Formats.bytes(t.bytesAfter()),
                t.deadRowsBefore(), t.deadRowsAfter(), Formats.bytes(report.databaseBytesBefore()),
                Formats.bytes(report.databaseBytesAfter()), Formats.bytes(report.returnedToQuota()));
    }

    /** Storage against the quota, the tables that need VACUUM, and the partitions ahead. */
    static String health(RunReport report) {
        StorageReport h = report.health();
        if (h == null) {
            return "The health check failed: " + report.error();
        }
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "Database %s of %s (%.1f %%).", Formats.bytes(h.databaseBytes()), Formats.bytes(h.quotaBytes()),
                h.usedPercent()));
        lines.add("Needs VACUUM: " + (h.tablesNeedingVacuum().isEmpty() ? "none." : String.join(", ", h.tablesNeedingVacuum()) + "."));
        for (StorageReport.PartitionedTable p : h.partitionedTables()) {
            lines.add(String.format(Locale.ROOT, "%s: %d partitions, %d day(s) ahead, %,d row(s) in DEFAULT%s", p.table(), p.partitions(),
                    p.daysAhead(), p.defaultRows(), p.created().isEmpty() ? "" : "; created " + String.join(", ", p.created())));
        }
        if (report.error() != null) {
            lines.add("Problem: " + report.error());
        }
        return String.join("\n", lines);
    }

    /** A run of the history in full: who ran it, what it did to the database, and its VACUUM and health parts. */
    static String runSummary(RunReport r) {
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "Run %d: %s%s by %s (%s) on %s, %s in %s; %,d rows %s; database %s → %s.", r.runId(), r.kind(),
                r.dryRun() ? " (dry run)" : "", r.trigger(), r.caller(), r.instance(), r.outcome(), seconds(r.duration()), r.rowsDeleted(),
                r.dryRun() ? "to delete" : "deleted", Formats.bytes(r.databaseBytesBefore()), Formats.bytes(r.databaseBytesAfter())));
        if (r.vacuum() != null) {
            lines.add(vacuum(r));
        }
        if (r.health() != null) {
            lines.add(health(r));
        } else if (r.error() != null) {
            lines.add("Error: " + r.error());
        }
        return String.join("\n", lines);
    }

    /** A run whose report is not stored (still running, or it failed before writing one). */
    static String runWithoutReport(RunRecord r) {
        return "Run " + r.runId() + " " + r.kind() + ": " + r.outcome() + (r.error() == null ? "" : " — " + r.error());
    }

    /** Where the run's archive files are, or why there are none. */
    static String archives(RunReport r) {
        List<String> files = r.tables().stream().map(TableResult::archiveFile).filter(f -> f != null).collect(Collectors.toList());
        return files.isEmpty() ? "No archive files: archiving is off for these policies (retention.<name>.archive)."
                : "Archive files (gzip JSON Lines):\n" + String.join("\n", files);
    }

    /** What a table's cleanup gave back to the quota at once (its dropped partitions), or "—". */
    static String quota(TableResult t) {
        return t.quotaBytesFreed() > 0 ? Formats.bytes(t.quotaBytesFreed()) : "—";
    }

    /** What a table's cleanup made reusable inside the table (its deleted rows, an estimate), or "—". */
    static String reusable(TableResult t) {
        return t.reusableBytes() > 0 ? "~" + Formats.bytes(t.reusableBytes()) : "—";
    }

    /** PARTITION_DROP → "partition drop", BATCHED → "batched": the strategy names read as words. */
    static String strategy(String name) {
        return name.toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    /** SUCCEEDED → "succeeded", BUDGET_REACHED → "budget reached". */
    static String outcome(Outcome outcome) {
        return outcome.name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    static String jobName(RunKind kind) {
        switch (kind) {
            case DAILY:
                return "Daily full maintenance";
            case HEALTH:
                return "Health check";
            case QUICK_CLEANUP:
                return "Quick cleanup";
            default:
                return kind.name();
        }
    }

    static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }
}
