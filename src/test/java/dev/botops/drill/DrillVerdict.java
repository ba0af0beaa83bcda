package dev.botops.drill;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The drill's checks, each judged on a run's figures with the bound it states. */
final class DrillVerdict {
    static final String EXACTLY_ONCE = "No update lost, none applied twice";
    static final String REPLIES = "Every command got its own reply";
    static final String CONNECTION_CAP = "Each instance stayed within its connection cap";
    static final String HEALTH = "/health DOWN during the outage, UP again after";
    static final String CLEANUP = "Cleanup deleted exactly the expired rows; archive and counts match";
    static final String TAKEOVER = "The standby took over within the lease expiry";
    static final String ONE_POLLER = "One poller while two instances ran";
    static final String RECOVERY = "Recovered from every fault";
    static final String SECRETS = "Secrets stayed out of the logs";
    static final String CLEAN_STOP = "The survivor stopped cleanly on SIGTERM";

    /** Heartbeats run one check interval after the previous one ended, on a busy 2-core machine: room for that. */
    private static final double SCHEDULING_SLACK = 1.0;

    /** One check: passed or not, and the figures behind it. */
    record Check(String name, boolean passed, String detail) {
    }

    private DrillVerdict() {
    }

    static List<Check> judge(DrillResult r) {
        List<Check> checks = new ArrayList<>();
        checks.add(exactlyOnce(r));
        checks.add(replies(r));
        checks.add(connectionCap(r));
        checks.add(health(r));
        checks.add(cleanup(r));
        checks.add(takeover(r));
        checks.add(onePoller(r));
        checks.add(recovery(r));
        checks.add(new Check(SECRETS, r.secretLeaks().isEmpty(), r.secretLeaks().isEmpty()
                ? "neither the bot token nor the database password appears in any instance's output or log files" : String.join("; ", r.secretLeaks())));
        checks.add(new Check(CLEAN_STOP, r.standbyStoppedCleanly(), r.standbyStop() + (r.standbyStoppedCleanly() ? ", \"Stopped cleanly\" logged" : "")));
        return checks;
    }

    private static Check exactlyOnce(DrillResult r) {
        ExactlyOnceCheck.Findings f = r.ledger();
        String detail = String.format(Locale.ROOT, "%,d commands from %d users (%,d orders) → %,d trades; lost: %s; without their "
                        + "exactly-once record: %s; applied twice: %s; trades nobody ordered: %s; positions or cash off: %s", f.commands(),
                f.users(), f.orders(), f.trades(), listed(f.lost()), listed(f.unrecorded()), listed(f.appliedTwice()), listed(f.stray()),
                listed(f.wrongPositionOrCash()));
        return new Check(EXACTLY_ONCE, f.exactlyOnce(), detail);
    }

    private static Check replies(DrillResult r) {
        ExactlyOnceCheck.Findings f = r.ledger();
        String detail = String.format(Locale.ROOT, "unanswered: %s; wrong or unexpected replies: %s; repeated replies (at-least-once, "
                + "allowed): %d", listed(f.unanswered()), listed(f.wrongReplies()), f.duplicateReplies());
        return new Check(REPLIES, f.everyCommandAnsweredRight(), detail);
    }

    private static Check connectionCap(DrillResult r) {
        DrillResult.Connections c = r.connections();
        boolean passed = c.overCap().isEmpty() && c.samples() >= 100 && !c.peaks().isEmpty();
        String detail = String.format(Locale.ROOT, "cap %d per instance (database.pool-size); peaks %s; %,d samples of pg_stat_activity "
                        + "(%d failed while the server was down); at most %d backend(s) at once not attributable; over the cap: %s",
                c.cap(), c.peaks(), c.samples(), c.failedSamples(), c.maxUnattributed(), listed(c.overCap()));
        return new Check(CONNECTION_CAP, passed, detail);
    }

    private static Check health(DrillResult r) {
        FaultResult f = r.fault(Drill.PG_RESTART);
        if (f == null) {
            return new Check(HEALTH, false, "the PostgreSQL restart did not run");
        }
        double downBound = Drill.HEALTH_DOWN_BOUND.toMillis() / 1000.0;
        double upBound = Drill.HEALTH_UP_BOUND.toMillis() / 1000.0;
        boolean passed = f.healthDown() != null && f.healthDown() <= downBound && f.healthUp() != null && f.healthUp() <= upBound;
        String detail = String.format(Locale.ROOT, "DOWN %s after PostgreSQL stopped (bound %.0f s); UP %s after it was back (bound %.0f s)",
                seconds(f.healthDown()), downBound, seconds(f.healthUp()), upBound);
        return new Check(HEALTH, passed, detail);
    }

    private static Check cleanup(DrillResult r) {
        ExpiredRows.Findings f = r.cleanup();
        List<String> problems = new ArrayList<>();
        if (f.remainingExpired() != 0) {
            problems.add(f.remainingExpired() + " expired rows left");
        }
        if (f.keptPresent() != ExpiredRows.KEPT_ROWS) {
            problems.add((ExpiredRows.KEPT_ROWS - f.keptPresent()) + " rows inside retention deleted");
        }
        if (f.archived().size() != f.deleted()) {
            problems.add(f.deleted() + " rows deleted but " + f.archived().size() + " archived");
        }
        if (f.archivedOthers() != 0) {
            problems.add(f.archivedOthers() + " archived rows that had not expired");
        }
        long recorded = 0;
        for (ExpiredRows.Run run : f.runs()) {
            recorded += run.messageLogRows();
            boolean finished = run.outcome().equals("SUCCEEDED") || run.outcome().equals("BUDGET_REACHED");
            int inArchive = f.archivedPerRun().getOrDefault(run.runId(), 0);
            if (finished && run.messageLogRows() != inArchive) {
                problems.add("run " + run.runId() + " recorded " + run.messageLogRows() + " rows but archived " + inArchive);
            }
        }
        String detail = String.format(Locale.ROOT, "%,d expired rows seeded in waves, %,d deleted, %d left; %d of %d rows inside retention kept; "
                        + "%d cleanup runs recorded %,d rows; archives hold %,d distinct rows (%d twice, at-least-once); problems: %s",
                f.seeded(), f.deleted(), f.remainingExpired(), f.keptPresent(), ExpiredRows.KEPT_ROWS, f.runs().size(), recorded,
                f.archived().size(), f.archivedDuplicates(), listed(problems));
        return new Check(CLEANUP, problems.isEmpty(), detail);
    }

    private static Check takeover(DrillResult r) {
        DrillResult.Takeover t = r.takeover();
        if (t == null) {
            return new Check(TAKEOVER, false, "the kill did not run");
        }
        double bound = t.leaseTtl() + t.checkInterval() + SCHEDULING_SLACK;
        boolean passed = t.killToLease() <= bound && t.leaseAfterExpiry() <= t.checkInterval() + SCHEDULING_SLACK;
        String detail = String.format(Locale.ROOT, "lease taken %.2f s after SIGKILL (bound: TTL %.0f s + one standby check %.2f s + 1 s = %.2f s), "
                        + "%.2f s after the dead holder's lease expired (bound %.2f s); first reply %s after the kill; %d committed, unconfirmed "
                        + "updates redelivered to the standby", t.killToLease(), t.leaseTtl(), t.checkInterval(), bound, t.leaseAfterExpiry(),
                t.checkInterval() + SCHEDULING_SLACK, seconds(t.killToFirstReply()), t.committedUnconfirmed());
        return new Check(TAKEOVER, passed, detail);
    }

    private static Check onePoller(DrillResult r) {
        DrillResult.TwoInstances t = r.twoInstances();
        if (t == null) {
            return new Check(ONE_POLLER, false, "the second instance did not run");
        }
        boolean passed = t.firstKeptTheLease() && t.conflicts() == 0 && t.maxOpenPolls() <= 1;
        return new Check(ONE_POLLER, passed, String.format(Locale.ROOT, "over %.1f s: the lease stayed with drill-a: %s; 409 answers: %d; "
                + "most long polls open at once: %d", t.observedSeconds(), t.firstKeptTheLease(), t.conflicts(), t.maxOpenPolls()));
    }

    private static Check recovery(DrillResult r) {
        List<String> slow = new ArrayList<>();
        double worst = 0;
        for (FaultResult f : r.faults()) {
            if (f.recovered() == null) {
                slow.add(f.name());
            } else {
                worst = Math.max(worst, f.recovered());
            }
        }
        String detail = String.format(Locale.ROOT, "every order sent before a fault was cleared was applied and answered within %d s: %s; slowest %.1f s",
                Drill.RECOVERY_BOUND.toSeconds(), slow.isEmpty() ? "yes" : "not after " + String.join(", ", slow), worst);
        return new Check(RECOVERY, slow.isEmpty() && !r.faults().isEmpty(), detail);
    }

    private static String listed(List<String> items) {
        return items.isEmpty() ? "none" : String.join("; ", items);
    }

    static String seconds(Double value) {
        return value == null ? "never" : String.format(Locale.ROOT, "%.1f s", value);
    }
}
