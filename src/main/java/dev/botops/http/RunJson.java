package dev.botops.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.botops.maintenance.CleanupProgress;
import dev.botops.maintenance.RunRecord;
import java.time.Instant;
import java.util.Optional;

/** Maintenance runs as the endpoint shows them: a summary in lists, the whole report for one run. */
final class RunJson {
    private RunJson() {
    }

    static ObjectNode summary(RunRecord run) {
        ObjectNode node = HttpJson.MAPPER.createObjectNode();
        node.put("runId", run.runId());
        node.put("kind", run.kind().name());
        node.put("trigger", run.trigger().name());
        node.put("caller", run.caller());
        node.put("dryRun", run.dryRun());
        node.put("startedAt", text(run.startedAt()));
        node.put("finishedAt", text(run.finishedAt()));
        node.put("outcome", run.outcome().name());
        node.put("rowsDeleted", run.rowsDeleted());
        node.put("databaseBytesBefore", run.bytesBefore());
        node.put("databaseBytesAfter", run.bytesAfter());
        node.put("error", run.error());
        return node;
    }

    /** The summary plus the stored report ({@code details}) and, while it runs here, its live progress. */
    static ObjectNode full(RunRecord run, Optional<CleanupProgress> progress) {
        ObjectNode node = summary(run);
        if (run.detailsJson() != null) {
            try {
                node.set("details", HttpJson.MAPPER.readTree(run.detailsJson()));
            } catch (JsonProcessingException e) {
                node.put("details", run.detailsJson());
            }
        }
        progress.filter(p -> p.runId() == run.runId()).ifPresent(p -> node.set("progress", HttpJson.MAPPER.valueToTree(p)));
        return node;
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
