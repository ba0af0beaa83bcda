package dev.botops.ui.maintenance;

import dev.botops.maintenance.RunRecord;
import dev.botops.ui.common.Formats;
import java.time.Duration;

/** One run of the history. */
public record RunRow(long runId, String kind, String trigger, String started, String duration, String outcome, long rows,
                     String database) {
    static RunRow of(RunRecord r) {
        String duration = r.finishedAt() == null ? "running" : RunReportText.seconds(Duration.between(r.startedAt(), r.finishedAt()));
        String database = r.bytesBefore() == null ? "—" : Formats.bytes(r.bytesBefore())
                + (r.bytesAfter() == null ? "" : " → " + Formats.bytes(r.bytesAfter()));
        return new RunRow(r.runId(), r.kind().name() + (r.dryRun() ? " (dry run)" : ""), r.trigger().name() + " · " + r.caller(),
                Formats.time(r.startedAt()), duration, r.outcome().name(), r.rowsDeleted(), database);
    }

    public String rowsText() {
        return Formats.count(rows);
    }
}
