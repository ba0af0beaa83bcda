package dev.botops.maintenance;

import dev.botops.config.Sizes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Plain-text lines describing a run, for {@code maintenance.log} and the command line. */
public final class RunSummary {
    private RunSummary() {
    }

    public static List<String> lines(RunReport r) {
        List<String> lines = new ArrayList<>();
        String verb = r.dryRun() ? "to delete" : "deleted";
        lines.add(String.format(Locale.ROOT, "run %d %s%s by %s (%s) on %s: %s in %.1f s; %,d rows %s; database %s -> %s",
                r.runId(), r.kind(), r.dryRun() ? " (dry run)" : "", r.trigger(), r.caller(), r.instance(), r.outcome(),
                r.duration().toMillis() / 1000.0, r.rowsDeleted(), verb, Sizes.format(r.databaseBytesBefore()),
                Sizes.format(r.databaseBytesAfter())));
        for (TableResult t : r.tables()) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %s [%s, older than %s]: %,d rows %s",
                    t.table(), t.strategy(), t.cutoff(), t.rows(), verb));
            if (!t.droppedPartitions().isEmpty()) {
                line.append(String.format(Locale.ROOT, "; %d partition(s) %s whole, %s back to the quota",
                        t.droppedPartitions().size(), r.dryRun() ? "to drop" : "dropped", Sizes.format(t.quotaBytesFreed())));
            }
            if (t.reusableBytes() > 0) {
                line.append("; ~").append(Sizes.format(t.reusableBytes())).append(" reusable inside the table");
            }
            if (!r.dryRun()) {
                line.append("; table ").append(Sizes.format(t.bytesBefore())).append(" -> ").append(Sizes.format(t.bytesAfter()));
            }
            if (t.archiveFile() != null) {
                line.append("; archived to ").append(t.archiveFile());
            }
            if (t.stoppedBy() != null) {
                line.append("; stopped: ").append(t.stoppedBy());
            }
            if (t.error() != null) {
                line.append("; FAILED: ").append(t.error());
            }
            lines.add(line.toString());
        }
        if (r.vacuum() != null) {
            for (VacuumReport.TableVacuum v : r.vacuum().tables()) {
                if (v.refusedReason() != null) {
                    lines.add("  " + v.refusedReason());
                    continue;
                }
                lines.add(String.format(Locale.ROOT, "  VACUUM%s %s: %s -> %s, dead rows %,d -> %,d, ~%s reusable inside the table%s",
                        v.full() ? " FULL" : "", v.table(), Sizes.format(v.bytesBefore()), Sizes.format(v.bytesAfter()),
                        v.deadRowsBefore(), v.deadRowsAfter(), Sizes.format(v.reusableBytes()),
                        v.error() != null ? "; FAILED: " + v.error() : ""));
            }
            lines.add("  VACUUM returned " + Sizes.format(r.vacuum().returnedToQuota()) + " to the quota");
        }
        if (r.health() != null) {
            StorageReport h = r.health();
            lines.add(String.format(Locale.ROOT, "  health: database %s of %s (%.1f%%); needs VACUUM: %s",
                    Sizes.format(h.databaseBytes()), Sizes.format(h.quotaBytes()), h.usedPercent(),
                    h.tablesNeedingVacuum().isEmpty() ? "none" : String.join(", ", h.tablesNeedingVacuum())));
            for (StorageReport.PartitionedTable p : h.partitionedTables()) {
                lines.add(String.format(Locale.ROOT, "  health: %s has %d partitions, %d day(s) ahead, %,d row(s) in the default partition%s",
                        p.table(), p.partitions(), p.daysAhead(), p.defaultRows(),
                        p.created().isEmpty() ? "" : "; created " + String.join(", ", p.created())));
            }
        }
        if (r.error() != null) {
            lines.add("  error: " + r.error());
        }
        return lines;
    }
}
