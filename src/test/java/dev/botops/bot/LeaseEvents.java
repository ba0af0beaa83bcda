package dev.botops.bot;

import dev.botops.bot.lease.LeaseListener;
import dev.botops.lease.LeaseHolder;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records what a bot service's lease keeper told it, in order: "active" and "standby". */
final class LeaseEvents implements LeaseListener {
    private final List<String> events = new CopyOnWriteArrayList<>();

    @Override
    public void becameActive() {
        events.add("active");
    }

    @Override
    public void becameStandby(Optional<LeaseHolder> activeHolder) {
        events.add("standby");
    }

    /** Every event so far. */
    List<String> all() {
        return List.copyOf(events);
    }

    /** The events after the first {@code count}. */
    List<String> after(int count) {
        List<String> all = all();
        return all.subList(Math.min(count, all.size()), all.size());
    }
}
