package dev.botops.bot;

import dev.botops.concurrent.Threads;
import dev.botops.monitor.Alert;
import dev.botops.monitor.AlertListener;
import dev.botops.monitor.Severity;
import dev.botops.monitor.Silence;
import dev.failsafe.RateLimiter;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends alerts to the admin chats on the sender's priority lane: a message when an alert is raised, a
 * "resolved" message when it clears, and a reminder every {@code reminder} while it stays active. Rate
 * limited twice: one message per rule per {@code perRuleInterval} (a flapping rule is coalesced into its
 * latest state, nothing is lost) and {@code perMinute} messages in all. Only the active instance sends. An
 * acknowledged alert gets no more reminders; a silenced rule's messages wait until the silence ends.
 */
public final class AdminAlertNotifier implements AlertListener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AdminAlertNotifier.class);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private final OutgoingSender sender;
    private final List<Long> adminChats;
    private final BotConfig.AlertPolicy policy;
    private final RateLimiter<Object> budget;
    private final Map<String, RuleState> rules = new LinkedHashMap<>();
    private final ScheduledExecutorService scheduler;
    private volatile boolean active;
    private volatile List<Silence> silences = List.of();

    public AdminAlertNotifier(OutgoingSender sender, List<Long> adminChats, BotConfig.AlertPolicy policy) {
        this.sender = sender;
        this.adminChats = List.copyOf(adminChats);
        this.policy = policy;
        this.budget = RateLimiter.burstyBuilder(policy.perMinute(), Duration.ofMinutes(1)).build();
        this.scheduler = Executors.newSingleThreadScheduledExecutor(Threads.daemon("bot-admin-alerts"));
        long tick = Math.max(50, Math.min(1000, policy.perRuleInterval().toMillis() / 4));
        scheduler.scheduleWithFixedDelay(this::flushSafely, tick, tick, TimeUnit.MILLISECONDS);
    }

    /** Only the instance holding the lease notifies admins (every instance's monitor sees the same alerts). */
    void setActive(boolean isActive) {
        active = isActive;
    }

    private enum Kind { RAISED, RESOLVED }

    private static final class RuleState {
        Alert pendingAlert;
        Kind pendingKind;
        Alert sentAlert;
        Kind sentKind;
        long sentAtNanos;
        long remindedAtNanos;
        /** Someone said "seen, working on it": no more reminders for this episode. */
        boolean acknowledged;
    }

    @Override
    public void raised(Alert alert) {
        record(alert, Kind.RAISED);
    }

    @Override
    public void resolved(Alert alert) {
        record(alert, Kind.RESOLVED);
    }

    @Override
    public void acknowledged(Alert alert) {
        synchronized (rules) {
            RuleState state = rules.get(alert.ruleId());
            if (state != null) {
                state.acknowledged = true;
            }
        }
    }

    /** Messages of a silenced rule wait until the silence ends (reminders due meanwhile become one). */
    @Override
    public void silencesChanged(List<Silence> inForce) {
        silences = List.copyOf(inForce);
        scheduler.execute(this::flushSafely);
    }

    private boolean silenced(String ruleId) {
        Instant now = Instant.now();
        return silences.stream().anyMatch(s -> s.covers(ruleId, now));
    }

    private void record(Alert alert, Kind kind) {
        if (!active || adminChats.isEmpty()) {
            return;
        }
        synchronized (rules) {
            RuleState state = rules.computeIfAbsent(alert.ruleId(), id -> new RuleState());
            state.pendingAlert = alert;
            state.pendingKind = kind;
            state.acknowledged |= alert.acknowledged();
        }
        scheduler.execute(this::flushSafely);
    }

    private void flushSafely() {
        try {
            flush();
        } catch (RuntimeException e) {
            log.warn("Sending admin alerts failed", e);
        }
    }

    private void flush() {
        long now = System.nanoTime();
        synchronized (rules) {
            for (Iterator<RuleState> it = rules.values().iterator(); it.hasNext(); ) {
                RuleState state = it.next();
                String rule = (state.pendingAlert != null ? state.pendingAlert : state.sentAlert).ruleId();
                if (silenced(rule)) {
                    continue;
                }
                if (state.pendingKind != null) {
                    sendPending(state, now);
                } else if (state.sentKind == Kind.RAISED && !state.acknowledged && now - state.remindedAtNanos >= policy.reminder().toNanos()
                        && budget.tryAcquirePermit()) {
                    state.remindedAtNanos = now;
                    send("⏰ Still active since " + TIME.format(state.sentAlert.firstSeen()) + ": " + headline(state.sentAlert));
                }
                if (state.pendingKind == null && state.sentKind != Kind.RAISED) {
                    it.remove();
                }
            }
        }
    }

    private void sendPending(RuleState state, long now) {
        boolean nothingNew = state.pendingKind == Kind.RESOLVED
                ? state.sentKind != Kind.RAISED
                : state.sentKind == Kind.RAISED && state.sentAlert.severity() == state.pendingAlert.severity();
        if (nothingNew) {
            // e.g. raised and resolved again before anything was sent, or raised again at the same severity.
            state.pendingKind = null;
            state.pendingAlert = null;
            return;
        }
        if (state.sentKind != null && now - state.sentAtNanos < policy.perRuleInterval().toNanos() || !budget.tryAcquirePermit()) {
            return;
        }
        Alert alert = state.pendingAlert;
        Kind kind = state.pendingKind;
        send(kind == Kind.RAISED ? headline(alert) + (alert.hint() == null || alert.hint().isEmpty() ? "" : "\n" + alert.hint())
                : "✅ Resolved: " + alert.message());
        state.sentAlert = alert;
        state.sentKind = kind;
        state.sentAtNanos = now;
        state.remindedAtNanos = now;
        state.pendingKind = null;
        state.pendingAlert = null;
    }

    private static String headline(Alert alert) {
        return icon(alert.severity()) + " " + alert.severity() + ": " + alert.message();
    }

    private static String icon(Severity severity) {
        switch (severity) {
            case CRITICAL:
                return "🔴";
            case WARNING:
                return "🟠";
            default:
                return "🔵";
        }
    }

    private void send(String text) {
        for (Long chat : adminChats) {
            sender.send(chat, text, OutgoingSender.Lane.ADMIN);
        }
    }

    @Override
    public void close() {
        Threads.shutdown(scheduler, Duration.ofSeconds(2), "The admin alert thread");
    }
}
