package dev.botops.maintenance;

import java.util.List;
import java.util.Optional;

/**
 * One retention policy checked as a settings editor would before saving it: its values parsed, its table and column
 * checked against the catalog (the table exists, is one maintenance acts on, the column exists and is a timestamp
 * or date), and, when it archives, that the archive directory can be written. See
 * {@link MaintenanceService#validatePolicy}.
 *
 * @param problems what is wrong, each with the key to fix ({@code retention.<name>.column}, {@code maintenance.archive-dir});
 *                 empty when the policy can be saved
 * @param resolved the policy as maintenance would run it, when its table and column check out
 */
public record PolicyCheck(String name, List<Problem> problems, Optional<ResolvedPolicy> resolved) {
    public PolicyCheck {
        problems = List.copyOf(problems);
    }

    /** One thing wrong with the policy, and the key whose value to change. */
    public record Problem(String key, String message) {
    }

    public boolean valid() {
        return problems.isEmpty();
    }
}
