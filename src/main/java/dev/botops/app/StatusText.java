package dev.botops.app;

import dev.botops.config.Sizes;
import dev.botops.monitor.Ages;
import dev.botops.monitor.Alert;
import dev.botops.monitor.DatabaseSnapshot.ConnectionLimit;
import dev.botops.monitor.DatabaseSnapshot.Connections;
import dev.botops.monitor.DatabaseSnapshot.Server;
import dev.botops.monitor.DatabaseSnapshot.Session;
import dev.botops.monitor.DatabaseSnapshot.TableStats;
import dev.botops.monitor.Forecast;
import dev.botops.monitor.HealthReport;
import java.io.PrintWriter;
import java.util.Locale;

/** The health report as {@code botops status} prints it for a person. */
final class StatusText {
    private static final String ROW = "%-16s%s%n";

    private StatusText() {
    }

    static void print(HealthReport report, PrintWriter out) {
        out.printf(Locale.ROOT, "BotOps status: %s%n", report.health());
        out.printf(Locale.ROOT, ROW, "Database:", report.database());
        if (report.error() != null) {
            out.printf(Locale.ROOT, ROW, "Error:", report.error());
            alerts(report, out);
            return;
        }
        out.printf(Locale.ROOT, ROW, "Schema version:", report.schemaVersion());
        Server server = report.server();
        out.printf(Locale.ROOT, ROW, "Server:", String.format(Locale.ROOT,
                "PostgreSQL %s, up %s; transaction-ID age %,d (%,d left before wraparound)",
                server.version(), Ages.format(server.uptime()), server.xidAge(), server.xidsUntilWraparound()));
        out.printf(Locale.ROOT, ROW, "Storage:", String.format(Locale.ROOT, "%s of the %s quota (%.1f %%)",
                Sizes.format(report.storage().databaseBytes()), Sizes.format(report.storage().quotaBytes()),
                report.storage().percentUsed()));
        connections(report.connections(), out);
        session("Longest query:", report.sessions().longestQuery(), false, out);
        session("Oldest xact:", report.sessions().oldestTransaction(), true, out);
        if (!report.sessions().idleInTransaction().isEmpty()) {
            Session longest = report.sessions().idleInTransaction().get(0);
            out.printf(Locale.ROOT, ROW, "Idle in xact:", String.format(Locale.ROOT, "%d session(s), longest %s (pid %d)",
                    report.sessions().idleInTransaction().size(), Ages.format(longest.stateAge()), longest.pid()));
        }
        forecast(report.forecast(), out);
        tables(report, out);
        alerts(report, out);
    }

    private static void connections(Connections c, PrintWriter out) {
        out.printf(Locale.ROOT, ROW, "Connections:", String.format(Locale.ROOT,
                "%d of %d usable (%.1f %%): %d active, %d idle, %d idle in transaction, %d other; %d this app, %d others",
                c.total(), c.limit().usable(), c.percentUsed(), c.active(), c.idle(), c.idleInTransaction(), c.other(),
                c.ours(), c.others()));
        ConnectionLimit l = c.limit();
        out.printf(Locale.ROOT, ROW, "", String.format(Locale.ROOT,
                "limit: max_connections %d - %d superuser reserved - %d reserved; role %s, database %s, plan cap %s",
                l.maxConnections(), l.superuserReserved(), l.reserved(), limit(l.roleLimit()), limit(l.databaseLimit()),
                l.planCap() > 0 ? String.valueOf(l.planCap()) : "none"));
    }

    private static String limit(int value) {
        return value < 0 ? "none" : String.valueOf(value);
    }

    private static void session(String label, Session s, boolean transaction, PrintWriter out) {
        if (s == null) {
            out.printf(Locale.ROOT, ROW, label, "none");
            return;
        }
        out.printf(Locale.ROOT, ROW, label, String.format(Locale.ROOT, "%s (pid %d, %s, %s): %s",
                Ages.format(transaction ? s.transactionAge() : s.queryAge()), s.pid(),
                s.application() == null || s.application().isEmpty() ? "no application name" : s.application(),
                s.state(), s.query()));
    }

    private static void forecast(Forecast f, PrintWriter out) {
        String text;
        switch (f.outcome()) {
            case GROWING:
                text = String.format(Locale.ROOT, "quota full in %.1f days (+%s a day; %d samples over %s)",
                        f.daysUntilFull(), Sizes.format(Math.round(f.bytesPerDay())), f.samples(), Ages.format(f.span()));
                break;
            case NOT_GROWING:
                text = String.format(Locale.ROOT, "not growing (%s a day; %d samples over %s)",
                        Sizes.format(Math.round(f.bytesPerDay())), f.samples(), Ages.format(f.span()));
                break;
            default:
                text = String.format(Locale.ROOT, "not enough data yet (%d samples over %s)", f.samples(), Ages.format(f.span()));
        }
        out.printf(Locale.ROOT, ROW, "Forecast:", text);
        for (Forecast.TableGrowth g : f.topGrowing()) {
            out.printf(Locale.ROOT, ROW, "", String.format(Locale.ROOT, "%s.%s +%s since %s (+%s a day)", g.schema(), g.name(),
                    Sizes.format(g.growthBytes()), g.since(), Sizes.format(Math.round(g.bytesPerDay()))));
        }
    }

    private static void tables(HealthReport report, PrintWriter out) {
        out.println("Top tables:");
        if (report.topTables().isEmpty()) {
            out.println("  (none)");
        }
        for (TableStats t : report.topTables()) {
            out.printf(Locale.ROOT, "  %-40s %9s  heap %s, index %s, toast %s; ~%,d rows, %.1f %% dead%s%n",
                    t.displayName(), Sizes.format(t.totalBytes()), Sizes.format(t.heapBytes()), Sizes.format(t.indexBytes()),
                    Sizes.format(t.toastBytes()), t.estimatedRows(), t.deadPercent(),
                    t.sizeEstimated() ? " (size estimated: table locked)" : "");
        }
    }

    private static void alerts(HealthReport report, PrintWriter out) {
        out.println("Alerts:");
        if (report.alerts().isEmpty()) {
            out.println("  (none)");
        }
        for (Alert a : report.alerts()) {
            out.printf(Locale.ROOT, "  %-8s %s: %s%n", a.severity(), a.ruleId(), a.message());
            if (a.hint() != null && !a.hint().isEmpty()) {
                out.printf(Locale.ROOT, "           %s%n", a.hint());
            }
        }
    }
}
