package dev.botops.drill;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Everything one drill run measured, for the checks and for {@code docs/drill.md}.
 *
 * @param environment machine, Java, commit and whether the app's sources were modified (a deliberately broken build)
 * @param adminAlerts the alerts the bot sent to its admin chat, in order
 * @param conflictsNotInjected 409 answers the emulator gave that the drill did not inject: polls of the app ending each other
 * @param secretLeaks where the bot token or the database password showed up in an instance's output or logs
 * @param standbyStop how the surviving instance stopped on SIGTERM
 */
record DrillResult(Instant startedAt, double seconds, Map<String, String> environment, List<FaultResult> faults, Connections connections,
                   TwoInstances twoInstances, Takeover takeover, ExactlyOnceCheck.Findings ledger, ExpiredRows.Findings cleanup,
                   List<String> adminAlerts, Observers observers, int conflictsNotInjected, List<String> secretLeaks, String standbyStop, boolean standbyStoppedCleanly) {

    /**
     * The app's connections as seen from PostgreSQL.
     *
     * @param overCap         samples where an instance held more than the cap (first few)
     * @param maxUnattributed most app backends at once that no live instance's socket could be found for
     */
    record Connections(int cap, Map<String, Integer> peaks, int samples, int failedSamples, int maxUnattributed, List<String> overCap,
                       int hogPeak, int serverPeak, int serverLimit) {
    }

    /** While a second instance ran next to the active one. */
    record TwoInstances(boolean firstKeptTheLease, int conflicts, int maxOpenPolls, double observedSeconds) {
    }

    /**
     * The kill of the active instance.
     *
     * @param killToLease          seconds from SIGKILL until the standby held the lease
     * @param leaseAfterExpiry     seconds from the dead holder's lease expiry until the standby took it (database clock)
     * @param committedUnconfirmed updates the killed instance had committed but not yet confirmed to Telegram
     * @param killToFirstReply     seconds from SIGKILL until a user got a reply again
     */
    record Takeover(double leaseTtl, double checkInterval, double killToLease, double leaseAfterExpiry, int committedUnconfirmed,
                    Double killToFirstReply) {
    }

    /** What the external monitor saw; the bot counters are from each instance's last /metrics scrape. */
    record Observers(Map<String, Integer> healthSamples, Map<String, Integer> metricsScrapes, Map<String, Integer> metricsFailures,
                     Map<String, Map<String, Long>> botCounters) {
    }

    FaultResult fault(String name) {
        return faults.stream().filter(f -> f.name().equals(name)).findFirst().orElse(null);
    }
}
