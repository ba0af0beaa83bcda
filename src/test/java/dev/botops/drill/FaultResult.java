package dev.botops.drill;

import java.util.List;
import java.util.Map;

/**
 * One fault of the drill and how the app came through it. Times are seconds: {@code cleared} after the fault
 * started; the recovery times after it was cleared; {@code null} when it did not happen within the bound.
 *
 * @param instance        the active instance during the fault (whose /health is judged)
 * @param cleared         when the fault was over (the server back, the hog gone, the injected answers used up)
 * @param applied         when every order sent before the clear was applied (has its processed record)
 * @param answered        when every order sent before the clear had its reply
 * @param healthDown      first /health DOWN of the active instance, after the fault started
 * @param healthUp        /health UP (and UP from then on) again, after the fault was cleared
 * @param peakConnections the most backends each instance had at once while the fault lasted and the app recovered
 */
record FaultResult(String name, String what, String instance, double startedAt, double cleared, Double applied, Double answered,
                   Double healthDown, Double healthUp, Map<String, Integer> peakConnections, List<String> notes) {

    /** The slower of catching up on effects and on replies: the time to recover. */
    Double recovered() {
        if (applied == null || answered == null) {
            return null;
        }
        return Math.max(applied, answered);
    }
}
