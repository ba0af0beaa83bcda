package dev.botops.bot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.botops.bot.emulator.BotApiEmulator;
import dev.botops.bot.emulator.FloodLimits;
import dev.botops.bot.emulator.SentMessage;
import dev.botops.bot.emulator.UserMessage;
import dev.botops.bot.telegram.TelegramGateway;
import dev.botops.testing.PostgresExtension;
import dev.botops.testing.TestDatabase;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * End-to-end figures for docs/benchmarks.md: 50 users sending 2,000 /buy and /sell through the emulator
 * (real client, real PostgreSQL, default pool of 4), and a send soak under Telegram's flood limits.
 * Run: {@code mvn -B verify -Pbenchmarks -Dtest=BotBenchmark -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("benchmark")
@ExtendWith(PostgresExtension.class)
class BotBenchmark {
    private static final int USERS = 50;
    private static final int COMMANDS = 2000;

    @Test
    void tradingThroughputAndReplyLatency(TestDatabase testDb) throws Exception {
        List<String> lines = new ArrayList<>();
        lines.add(run(testDb, "burst, Telegram limits", FloodLimits.TELEGRAM, SendLimits.TELEGRAM, 0));
        lines.add(run(testDb, "burst, limits lifted", FloodLimits.NONE, SendLimits.UNLIMITED, 0));
        lines.add(run(testDb, "paced 200/s, limits lifted", FloodLimits.NONE, SendLimits.UNLIMITED, 200));
        lines.add(run(testDb, "paced 200/s, Telegram limits", FloodLimits.TELEGRAM, SendLimits.TELEGRAM, 200));
        System.out.println("BENCHMARK | run | updates/s (processed) | all replies delivered after | reply latency p50 | p99 | 429s");
        lines.forEach(l -> System.out.println("BENCHMARK | " + l));
    }

    private String run(TestDatabase testDb, String name, FloodLimits flood, SendLimits send, int pacePerSecond) throws Exception {
        try (BotHarness harness = BotHarness.start(testDb, flood, Map.of())) {
            BotService bot = harness.startBot("bench", config -> config.withSendLimits(send));
            await().until(() -> bot.status().state() == BotState.POLLING);
            BotApiEmulator emulator = harness.emulator();
            long base = 100_000L * (1 + Math.abs(name.hashCode() % 1000));
            List<UserMessage> starts = new ArrayList<>();
            for (int u = 0; u < USERS; u++) {
                starts.add(UserMessage.privateChat(base + u, "U", "/start"));
            }
            emulator.postAll(starts);
            await().atMost(Duration.ofMinutes(2)).until(() -> emulator.sent().size() >= USERS);

            Map<Long, Deque<Long>> posted = new ConcurrentHashMap<>();
            List<Long> latencies = new CopyOnWriteArrayList<>();
            emulator.addListener(m -> {
                Deque<Long> times = posted.get(m.chatId());
                if (times != null) {
                    Long at;
                    synchronized (times) {
                        at = times.pollFirst();
                    }
                    if (at != null) {
                        latencies.add(m.sentNanos() - at);
                    }
                }
            });
            List<UserMessage> commands = new ArrayList<>();
            for (int i = 0; i < COMMANDS; i++) {
                long user = base + i % USERS;
                posted.putIfAbsent(user, new ArrayDeque<>());
                commands.add(UserMessage.privateChat(user, "U", (i / USERS) % 2 == 0 ? "/buy AAPL 1" : "/sell AAPL 1"));
            }
            long updatesBefore = bot.status().updates();
            int rejectionsBefore = emulator.floodRejections();
            long started = System.nanoTime();
            if (pacePerSecond == 0) {
                for (UserMessage m : commands) {
                    record(posted, m);
                }
                emulator.postAll(commands);
            } else {
                long intervalNanos = 1_000_000_000L / pacePerSecond;
                for (int i = 0; i < commands.size(); i++) {
                    long due = started + i * intervalNanos;
                    // Parking, not spinning: a spinning producer would take one of the machine's two cores.
                    for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                        LockSupport.parkNanos(wait);
                    }
                    record(posted, commands.get(i));
                    emulator.post(commands.get(i));
                }
            }
            await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(10))
                    .until(() -> bot.status().updates() - updatesBefore >= COMMANDS);
            double processedSeconds = (System.nanoTime() - started) / 1e9;
            await().atMost(Duration.ofMinutes(5)).until(() -> latencies.size() >= COMMANDS);
            double deliveredSeconds = (System.nanoTime() - started) / 1e9;
            List<Long> sorted = new ArrayList<>(latencies);
            Collections.sort(sorted);
            assertThat(sorted).hasSize(COMMANDS);
            return String.format(Locale.ROOT, "%s | %.0f | %.1f s | %.0f ms | %.0f ms | %d", name, COMMANDS / processedSeconds,
                    deliveredSeconds, percentile(sorted, 50), percentile(sorted, 99), emulator.floodRejections() - rejectionsBefore);
        }
    }

    private static void record(Map<Long, Deque<Long>> posted, UserMessage m) {
        Deque<Long> times = posted.get(m.chatId());
        synchronized (times) {
            times.addLast(System.nanoTime());
        }
    }

    private static double percentile(List<Long> sorted, int p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, index)) / 1e6;
    }

    @Test
    void sendSoakProvokesNo429(TestDatabase testDb) throws Exception {
        int seconds = Integer.getInteger("bench.soak.seconds", 120);
        try (BotApiEmulator emulator = BotApiEmulator.start(BotHarness.TOKEN.value());
             TelegramGateway gateway = new TelegramGateway(BotHarness.TOKEN, emulator.baseUrl(), Duration.ofSeconds(5))) {
            BotCounters counters = new BotCounters();
            OutgoingSender sender = new OutgoingSender(gateway, SendLimits.TELEGRAM, counters);
            Map<String, Long> queuedAt = new ConcurrentHashMap<>();
            List<Long> lags = new CopyOnWriteArrayList<>();
            emulator.addListener(m -> {
                Long at = queuedAt.remove(m.text());
                if (at != null) {
                    lags.add(m.sentNanos() - at);
                }
            });
            AtomicInteger queued = new AtomicInteger();
            ScheduledExecutorService producer = Executors.newSingleThreadScheduledExecutor();
            long started = System.nanoTime();
            AtomicInteger second = new AtomicInteger();
            producer.scheduleAtFixedRate(() -> {
                int s = second.getAndIncrement();
                if (s >= seconds) {
                    return;
                }
                for (int chat = 0; chat < 30; chat++) {
                    String text = "chat " + chat + " second " + s;
                    queuedAt.put(text, System.nanoTime());
                    sender.send(5000 + chat, text, OutgoingSender.Lane.USER);
                    queued.incrementAndGet();
                }
                if (s == 10) {
                    for (int i = 0; i < 40; i++) {
                        String text = "group burst " + i;
                        queuedAt.put(text, System.nanoTime());
                        sender.send(-4242, text, OutgoingSender.Lane.USER);
                        queued.incrementAndGet();
                    }
                }
            }, 0, 1, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(seconds + 300)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> second.get() >= seconds && emulator.sent().size() >= queued.get());
            producer.shutdownNow();
            double took = (System.nanoTime() - started) / 1e9;
            sender.close(Duration.ZERO);
            List<Long> sorted = new ArrayList<>(lags);
            Collections.sort(sorted);
            List<SentMessage> group = emulator.sentTo(-4242);
            System.out.printf(Locale.ROOT, "BENCHMARK | soak %d s | queued %d | delivered %d | 429s %d | group %d msgs over %.1f s | "
                            + "lag p50 %.0f ms p99 %.0f ms max %.0f ms | done after %.1f s%n",
                    seconds, queued.get(), emulator.sent().size(), emulator.floodRejections(), group.size(),
                    (group.get(group.size() - 1).sentNanos() - group.get(0).sentNanos()) / 1e9,
                    percentile(sorted, 50), percentile(sorted, 99), sorted.get(sorted.size() - 1) / 1e6, took);
            assertThat(emulator.floodRejections()).isZero();
            assertThat(emulator.sent()).hasSize(queued.get());
        }
    }
}
