package dev.botops.bot;

import dev.botops.bot.telegram.BotApiException;
import dev.botops.bot.telegram.TelegramGateway;
import dev.botops.concurrent.Threads;
import dev.failsafe.RateLimiter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the bot's messages within Telegram's limits, so that the bot does not provoke 429s. Every message
 * reserves its chat's next slot (1/s for private chats, 20/min for groups) and waits for it in a delay queue, so a busy chat never holds up the others. Each lane (user
 * replies, admin alerts) has its own thread and its own share of the overall budget (a Failsafe smooth rate limiter), so an alert is never
 * stuck behind user traffic. A 429 that still happens is honoured ({@code retry_after}); network and 5xx
 * failures are retried a few times with backoff; a rejected message (400) is dropped and logged; a 2xx answer the
 * client cannot read means the message was sent: it is counted, never sent again.
 */
public final class OutgoingSender implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OutgoingSender.class);
    private static final int MAX_TEXT = 4096;
    private static final int MAX_ATTEMPTS = 4;
    private static final int MAX_QUEUED = 20_000;
    private static final long UNREADABLE_WARNING_EVERY = TimeUnit.MINUTES.toNanos(1);

    /** Which lane a message travels in. */
    public enum Lane { USER, ADMIN }

    private final TelegramGateway gateway;
    private final SendLimits limits;
    private final BotCounters counters;
    private final Map<Long, ChatPace> chats = new ConcurrentHashMap<>();
    private final LaneWorker userLane;
    private final LaneWorker adminLane;
    private final AtomicLong sequence = new AtomicLong();
    private final Object unreadableLog = new Object();
    private boolean unreadableWarned;
    private long unreadableWarnedAt;
    private long unreadableUnwarned;

    public OutgoingSender(TelegramGateway gateway, SendLimits limits, BotCounters counters) {
        this.gateway = gateway;
        this.limits = limits;
        this.counters = counters;
        this.userLane = new LaneWorker("bot-send-user", limits.userPerSecond());
        this.adminLane = new LaneWorker("bot-send-admin", limits.adminPerSecond());
        userLane.thread.start();
        adminLane.thread.start();
    }

    /** Queues a message; it goes out as soon as the chat's and the lane's limits allow. */
    public void send(long chatId, String text, Lane lane) {
        if (text == null || text.isBlank()) {
            return;
        }
        String bounded = text.length() > MAX_TEXT ? text.substring(0, MAX_TEXT - 1) + "…" : text;
        LaneWorker worker = lane == Lane.ADMIN ? adminLane : userLane;
        if (worker.queue.size() >= MAX_QUEUED) {
            counters.error("Outgoing " + lane + " queue is full (" + MAX_QUEUED + " messages); a message was dropped");
            log.warn("Outgoing {} queue is full ({} messages); dropping a message to chat {}", lane, MAX_QUEUED, chatId);
            return;
        }
        worker.queue.add(new Outgoing(chatId, bounded, reserveSlot(chatId), 1, sequence.incrementAndGet()));
    }

    /** Messages waiting to be sent, both lanes. */
    public int queued() {
        return userLane.queue.size() + adminLane.queue.size() + userLane.inFlight.intValue() + adminLane.inFlight.intValue();
    }

    /**
     * The chat's next free slot: at least one interval after the previous message to that chat. (Failsafe's
     * smooth limiter aligns permits to a grid, which lets two messages go out milliseconds apart across a
     * boundary; a chat's spacing must hold between any two messages.)
     */
    private long reserveSlot(long chatId) {
        long interval = (chatId < 0 ? limits.groupChatInterval() : limits.privateChatInterval()).toNanos();
        long now = System.nanoTime();
        ChatPace pace = chats.computeIfAbsent(chatId, id -> new ChatPace());
        long due;
        synchronized (pace) {
            due = pace.used ? Math.max(now, pace.lastDue + interval) : now;
            pace.lastDue = due;
            pace.used = true;
        }
        forgetIdleChats(now);
        return due;
    }

    private void forgetIdleChats(long now) {
        if (chats.size() < 50_000) {
            return;
        }
        long idleSince = now - TimeUnit.MINUTES.toNanos(1);
        chats.values().removeIf(pace -> pace.lastDue < idleSince);
    }

    private static final class ChatPace {
        long lastDue;
        boolean used;
        long lastSent;
        boolean sent;
    }

    /**
     * Claims the chat's turn to send now, or returns when it may: a message can leave later than its slot (the
     * lane's budget was busy), so the spacing is checked again against what was actually sent.
     */
    private long claimSendTime(long chatId) {
        long interval = (chatId < 0 ? limits.groupChatInterval() : limits.privateChatInterval()).toNanos();
        ChatPace pace = chats.computeIfAbsent(chatId, id -> new ChatPace());
        synchronized (pace) {
            long now = System.nanoTime();
            if (pace.sent && now - pace.lastSent < interval) {
                return pace.lastSent + interval;
            }
            pace.lastSent = now;
            pace.sent = true;
            return 0;
        }
    }

    private record Outgoing(long chatId, String text, long dueNanos, int attempt, long seq) implements Delayed {
        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(dueNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            Outgoing o = (Outgoing) other;
            int byDue = Long.compare(dueNanos, o.dueNanos);
            return byDue != 0 ? byDue : Long.compare(seq, o.seq);
        }

        Outgoing delayedTo(long due) {
            return new Outgoing(chatId, text, due, attempt, seq);
        }

        Outgoing retryAt(long due) {
            return new Outgoing(chatId, text, due, attempt + 1, seq);
        }
    }

    private final class LaneWorker {
        final DelayQueue<Outgoing> queue = new DelayQueue<>();
        final AtomicLong inFlight = new AtomicLong();
        final RateLimiter<Object> budget;
        final Thread thread;
        volatile boolean running = true;

        LaneWorker(String name, int perSecond) {
            this.budget = RateLimiter.smoothBuilder(Math.max(1, perSecond), Duration.ofSeconds(1)).build();
            this.thread = Threads.daemon(name).newThread(this::run);
        }

        private void run() {
            while (running) {
                try {
                    Outgoing next = queue.poll(200, TimeUnit.MILLISECONDS);
                    if (next == null) {
                        continue;
                    }
                    budget.acquirePermit();
                    long notBefore = claimSendTime(next.chatId());
                    if (notBefore != 0) {
                        queue.add(next.delayedTo(notBefore));
                        continue;
                    }
                    inFlight.incrementAndGet();
                    gateway.sendMessage(next.chatId(), next.text()).whenComplete((message, failure) -> {
                        try {
                            if (failure != null) {
                                handleFailure(next, failure.getCause() instanceof BotApiException
                                        ? (BotApiException) failure.getCause() : null, failure);
                            }
                        } finally {
                            inFlight.decrementAndGet();
                        }
                    });
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (RuntimeException e) {
                    counters.error("Sending a message failed unexpectedly: " + e);
                    log.error("Sending a message failed unexpectedly", e);
                }
            }
        }

        private void handleFailure(Outgoing message, BotApiException failure, Throwable raw) {
            if (failure == null) {
                counters.error("Message to chat " + message.chatId() + " failed: " + raw);
                log.warn("Message to chat {} failed", message.chatId(), raw);
                return;
            }
            if (failure.kind() == BotApiException.Kind.UNREADABLE) {
                // A 2xx: Telegram has the message. Sending it again would show the user every reply twice.
                unreadable(message, failure);
                return;
            }
            if (failure.kind() == BotApiException.Kind.TOO_MANY_REQUESTS) {
                counters.rateLimited();
                log.warn("Telegram asked to slow down sending to chat {}: retry after {} s", message.chatId(), failure.retryAfter().toSeconds());
                queue.add(message.retryAt(System.nanoTime() + failure.retryAfter().toNanos()));
                return;
            }
            counters.error(failure.getMessage());
            if ((failure.transientFailure()) && message.attempt() < MAX_ATTEMPTS && running) {
                long backoff = TimeUnit.SECONDS.toNanos(1L << (message.attempt() - 1));
                log.warn("Message to chat {} failed ({}); retrying in {} s", message.chatId(), failure.getMessage(), backoff / 1_000_000_000L);
                queue.add(message.retryAt(System.nanoTime() + backoff));
                return;
            }
            log.warn("Message to chat {} dropped after {} attempt(s): {}", message.chatId(), message.attempt(), failure.getMessage());
        }
    }

    /**
     * Counts an unreadable 2xx answer to a sent message; the first is logged at once, later ones at most once a
     * minute with how many came since (each in the debug log), so a server that always answers so does not flood the log.
     */
    private void unreadable(Outgoing message, BotApiException failure) {
        counters.unreadableAnswer(failure.getMessage());
        long now = System.nanoTime();
        long count;
        synchronized (unreadableLog) {
            unreadableUnwarned++;
            if (unreadableWarned && now - unreadableWarnedAt < UNREADABLE_WARNING_EVERY) {
                log.debug("Message to chat {} was accepted but its answer is unreadable: {}", message.chatId(), failure.getMessage());
                return;
            }
            count = unreadableUnwarned;
            unreadableUnwarned = 0;
            unreadableWarned = true;
            unreadableWarnedAt = now;
        }
        log.warn("Message to chat {} was accepted but its answer is unreadable; it is not sent again ({} such answer(s) "
                + "since the last warning): {}", message.chatId(), count, failure.getMessage());
    }

    /**
     * Stops sending. Messages already due go out for up to {@code drain}; whatever is left is dropped and
     * counted in the log (the replies stay recorded in the database).
     */
    public void close(Duration drain) {
        long deadline = System.nanoTime() + drain.toNanos();
        while (System.nanoTime() < deadline && (dueCount(userLane) > 0 || dueCount(adminLane) > 0
                || userLane.inFlight.get() > 0 || adminLane.inFlight.get() > 0)) {
            try {
                TimeUnit.MILLISECONDS.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (LaneWorker lane : new LaneWorker[] {userLane, adminLane}) {
            lane.running = false;
            lane.thread.interrupt();
        }
        for (LaneWorker lane : new LaneWorker[] {userLane, adminLane}) {
            try {
                lane.thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        int left = userLane.queue.size() + adminLane.queue.size();
        if (left > 0) {
            log.warn("Stopped with {} message(s) not yet sent (rate limited); their replies remain in processed_updates", left);
        }
    }

    private static int dueCount(LaneWorker lane) {
        int due = 0;
        for (Outgoing o : lane.queue) {
            if (o.getDelay(TimeUnit.NANOSECONDS) <= 0) {
                due++;
            }
        }
        return due;
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(2));
    }
}
