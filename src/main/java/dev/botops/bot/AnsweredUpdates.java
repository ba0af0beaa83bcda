package dev.botops.bot;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Update ids this process has already answered. A batch fetched again after a database failure contains
 * updates that were committed and answered before the failure; they must not be answered twice. After a
 * restart this memory is empty, so a redelivered update's stored reply is sent once more (at-least-once
 * replies, exactly-once effects).
 */
final class AnsweredUpdates {
    private static final int CAPACITY = 10_000;

    private final Map<Long, Boolean> recent = new LinkedHashMap<>(256, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
            return size() > CAPACITY;
        }
    };

    /** True the first time an update id is seen by this process. */
    synchronized boolean firstAnswer(long updateId) {
        return recent.put(updateId, Boolean.TRUE) == null;
    }
}
