package dev.botops.drill;

import static org.awaitility.Awaitility.await;

import dev.botops.bot.emulator.BotApiEmulator;
import dev.botops.bot.emulator.EmulatorOptions;
import dev.botops.bot.emulator.Fault;
import dev.botops.bot.emulator.SentMessage;
import dev.botops.bot.telegram.BotToken;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The resilience drill: the real app ({@code botops serve}, as child processes) on a private PostgreSQL and
 * the Bot API emulator, under continuous load, through one fault after another; it returns what it measured.
 * Every wait is bounded; {@link #close()} ends every process it started.
 */
final class Drill implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Drill.class);

    // ---- the plan: load, compressed schedule, fault lengths and bounds -------------------------------------
    static final int USERS = 16;
    static final Duration ORDER_EVERY_PER_USER = Duration.ofSeconds(2);
    static final int POOL_SIZE = 4;
    static final Duration LEASE_TTL = Duration.ofSeconds(4);
    /** A standby checks the lease every third of its TTL ({@code LeaseKeeper}). */
    static final Duration LEASE_CHECK = LEASE_TTL.dividedBy(3);
    static final Duration MONITOR_INTERVAL = Duration.ofSeconds(1);
    static final Duration STALE_AFTER = Duration.ofSeconds(5);
    static final BigDecimal STARTING_BALANCE = BigDecimal.valueOf(1_000_000);
    static final Duration POSTGRES_DOWN = Duration.ofSeconds(8);
    static final Duration SATURATION = Duration.ofSeconds(8);
    static final Duration RECOVERY_BOUND = Duration.ofSeconds(60);
    /** An order older than this without its reply means the bot is still catching up. */
    static final Duration STEADY_LATENCY = Duration.ofMillis(1500);
    /** /health must say DOWN this soon after PostgreSQL stops: a stale snapshot counts as DOWN after {@link #STALE_AFTER}. */
    static final Duration HEALTH_DOWN_BOUND = STALE_AFTER.plus(MONITOR_INTERVAL).plusSeconds(2);
    /** /health must be UP again this soon after PostgreSQL is back. */
    static final Duration HEALTH_UP_BOUND = Duration.ofSeconds(10);
    static final int WAVE_ROWS = 2_000;
    static final int INJECTED_CONFLICTS = 3;
    static final long ADMIN_CHAT = 900_001;
    /** A token-shaped fake, only ever sent to the loopback emulator; assembled so no token-like literal sits in the sources. */
    static final String TOKEN = "6123456789:" + "AAH-drill_fake_token_loopback_0nly42";

    static final String PG_RESTART = "PostgreSQL restarted";
    static final String TERMINATED = "Backends terminated";
    static final String SATURATED = "Connections saturated";
    static final String CONFLICT = "Bot API 409 Conflict";
    static final String RATE_LIMITED = "Bot API 429 Too Many Requests";
    static final String DROPPED = "Bot API drops connections";
    static final String SECOND_INSTANCE = "Second instance started";
    static final String KILLED = "Active instance killed (SIGKILL)";

    private final Path runDir;
    private final long t0 = System.nanoTime();
    private final Instant startedAt = Instant.now();
    private final List<AutoCloseable> owned = new ArrayList<>();
    private final List<FaultRun> faults = new ArrayList<>();
    private final List<String> adminAlerts = new CopyOnWriteArrayList<>();
    private final Map<String, AppInstance> instances = java.util.Collections.synchronizedMap(new LinkedHashMap<>());
    private final CommandLedger ledger = new CommandLedger();
    /** If the test JVM itself is stopped (Ctrl-C, a CI timeout), the app instances must not outlive it. */
    private final Thread killInstancesOnExit = new Thread(this::killInstances, "drill-exit");
    private DrillPostgres pg;
    private BotApiEmulator emulator;
    private AdminConnection checker;
    private ConnectionSampler sampler;
    private HealthProbe probe;
    private TradingUsers users;
    private ExpiredRows expired;
    private int waves;
    private DrillResult.TwoInstances twoInstances;
    private DrillResult.Takeover takeover;

    Drill(Path runDir) {
        this.runDir = runDir;
        Runtime.getRuntime().addShutdownHook(killInstancesOnExit);
    }

    private void killInstances() {
        List<AppInstance> all;
        synchronized (instances) {
            all = List.copyOf(instances.values());
        }
        all.forEach(AppInstance::kill);
    }

    /** Runs the whole drill and returns its figures. */
    DrillResult run() throws Exception {
        Map<String, String> environment = Environment.describe();
        setUp();
        restartPostgres();
        terminateBackends();
        saturateConnections();
        botApiConflict();
        botApiRateLimit();
        botApiDrops();
        startSecondInstance();
        killActiveInstance();
        finish();
        return result(environment);
    }

    // ---- set-up and load -----------------------------------------------------------------------------------

    private void setUp() throws Exception {
        Files.createDirectories(runDir);
        pg = own(DrillPostgres.create(runDir.resolve("pgdata"), freePort(), UUID.randomUUID().toString().replace("-", "")));
        emulator = own(BotApiEmulator.start(TOKEN, EmulatorOptions.DEFAULTS));
        emulator.addListener(this::collectAdminAlert);
        checker = own(new AdminConnection(pg.admin("drill-checker")));
        sampler = own(new ConnectionSampler(new AdminConnection(pg.admin("drill-sampler")), pg.port()));
        probe = own(new HealthProbe());

        AppInstance a = startInstance("drill-a");
        awaitServing(a);
        await("drill-a holds the bot lease and polls").atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> leaseHolder().startsWith("drill-a/") && emulator.openPolls() >= 1);

        expired = new ExpiredRows(checker, runDir.resolve("archive"));
        expired.seedKept();
        seedWave();
        users = own(new TradingUsers(emulator, ledger, USERS));
        users.openAccounts();
        await("every user has an account").atMost(Duration.ofSeconds(30)).until(() -> ledger.unansweredUpTo(ledger.lastUpdateId()) == 0);
        users.startTrading(ORDER_EVERY_PER_USER);
        holdFor(Duration.ofSeconds(6), "warm-up: drill-a keeps running", a::alive);
    }

    private AppInstance startInstance(String name) {
        int httpPort = freePort();
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("app.data-dir", runDir.resolve(name).toString());
        settings.put("app.instance-name", name);
        settings.put("http.port", Integer.toString(httpPort));
        settings.put("bot.api-url", emulator.baseUrl());
        settings.put("bot.lease-ttl", LEASE_TTL.toSeconds() + "s");
        settings.put("bot.market-tick", "1s");
        settings.put("bot.starting-balance", STARTING_BALANCE.toPlainString());
        settings.put("bot.admin-chats", Long.toString(ADMIN_CHAT));
        settings.put("monitor.interval", MONITOR_INTERVAL.toSeconds() + "s");
        settings.put("monitor.sample-interval", "5s");
        settings.put("monitor.stale-after", STALE_AFTER.toSeconds() + "s");
        settings.put("maintenance.quick-every", "3s");
        settings.put("maintenance.health-every", "5s");
        settings.put("maintenance.archive-dir", runDir.resolve("archive").toString());
        settings.put("retention.message_log.archive", "true");
        settings.put("database.pool-size", Integer.toString(POOL_SIZE));
        settings.put("database.connect-timeout", "2s");
        Map<String, String> environment = Map.of("DATABASE_URL", pg.appDatabaseUrl(), "TELEGRAM_BOT_TOKEN", TOKEN);
        AppInstance instance = AppInstance.start(name, runDir.resolve(name), httpPort, settings, environment);
        owned.add(instance);
        instances.put(name, instance);
        sampler.watch(name, instance.pid());
        probe.watch(name, httpPort);
        return instance;
    }

    private static void awaitServing(AppInstance instance) {
        await(instance.name() + " serving").atMost(Duration.ofSeconds(90))
                .failFast(instance.name() + " exited early", () -> !instance.alive())
                .until(() -> instance.output().contains(" serving; "));
    }

    private void seedWave() throws SQLException {
        expired.seedWave(++waves, WAVE_ROWS);
    }

    private void collectAdminAlert(SentMessage message) {
        if (message.chatId() == ADMIN_CHAT) {
            adminAlerts.add(String.format(java.util.Locale.ROOT, "%.1f s: %s", seconds(message.sentNanos()), message.text().lines().findFirst().orElse("")));
        }
    }

    // ---- the faults ----------------------------------------------------------------------------------------

    private void restartPostgres() throws SQLException {
        seedWave();
        FaultRun fault = startFault(PG_RESTART, "fast shutdown (sessions ended), " + POSTGRES_DOWN.toSeconds()
                + " s down, started again on the same port and data directory", "drill-a");
        pg.stop();
        holdFor(POSTGRES_DOWN, "PostgreSQL stays down", () -> !serverAnswers());
        pg.start();
        fault.cleared();
        recover(fault);
    }

    private void terminateBackends() throws SQLException {
        seedWave();
        FaultRun fault = startFault(TERMINATED, "pg_terminate_backend on every application_name LIKE 'botops%'", "drill-a");
        fault.note(terminateAppBackends() + " backends terminated");
        fault.cleared();
        recover(fault);
    }

    private int terminateAppBackends() throws SQLException {
        return checker.query(c -> {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) "
                    + "FROM pg_stat_activity WHERE application_name LIKE 'botops%' AND pid <> pg_backend_pid()")) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }

    /**
     * Another client takes every connection slot it can get. Connections the app already holds would carry it
     * through, so its backends are then ended too (as when its connections reach their lifetime or a proxy
     * restarts): it has to connect again into a full server. The other client keeps taking every slot that
     * frees up until it lets go.
     */
    private void saturateConnections() throws SQLException {
        seedWave();
        FaultRun fault = startFault(SATURATED, "another client (an ordinary role) takes every connection slot it can get and keeps "
                + "taking freed ones; the app's backends are ended so it must connect again into the full server; after "
                + SATURATION.toSeconds() + " s the other client lets go", "drill-a");
        AppInstance a = instances.get("drill-a");
        int refusalsBefore = count(a.output(), "53300");
        List<Connection> hog = new ArrayList<>();
        try {
            String refusal = takeFreeSlots(hog);
            fault.note("the other client got " + hog.size() + " connections, then: " + refusal);
            int terminated = terminateAppBackends();
            takeFreeSlots(hog);
            fault.note(terminated + " backends of drill-a ended; the other client then held " + hog.size());
            holdFor(SATURATION, "the other client holds every free slot", () -> {
                takeFreeSlots(hog);
                return a.alive();
            });
        } finally {
            for (Connection c : hog) {
                try {
                    c.close();
                } catch (SQLException e) {
                    log.debug("closing a hog connection: {}", e.getMessage());
                }
            }
        }
        fault.cleared();
        recover(fault);
        fault.note("drill-a logged 'too many clients' (53300) " + (count(a.output(), "53300") - refusalsBefore) + " times");
    }

    /** Opens connections until the server refuses; returns the refusal. */
    private String takeFreeSlots(List<Connection> hog) {
        while (hog.size() < DrillPostgres.MAX_CONNECTIONS) {
            try {
                hog.add(pg.hog().getConnection());
            } catch (SQLException e) {
                return e.getSQLState() + " " + e.getMessage();
            }
        }
        return "none";
    }

    private void botApiConflict() {
        FaultRun fault = startFault(CONFLICT, "getUpdates answered 409 Conflict " + INJECTED_CONFLICTS + " times in a row, as when a second "
                + "poller takes over the long poll (below bot.conflict-limit = 5, so the bot must resume by itself)", "drill-a");
        int before = emulator.conflicts();
        emulator.inject("getUpdates", Fault.conflict(), INJECTED_CONFLICTS);
        awaitFaultsUsed(fault, "getupdates");
        fault.note((emulator.conflicts() - before) + " conflicts answered");
        recover(fault);
    }

    private void botApiRateLimit() {
        FaultRun fault = startFault(RATE_LIMITED, "getUpdates answered 429 (retry_after 2 s) twice, sendMessage answered 429 "
                + "(retry_after 2 s) 3 times", "drill-a");
        emulator.inject("getUpdates", Fault.tooManyRequests(Duration.ofSeconds(2)), 2);
        emulator.inject("sendMessage", Fault.tooManyRequests(Duration.ofSeconds(2)), 3);
        awaitFaultsUsed(fault, "getupdates", "sendmessage");
        recover(fault);
    }

    private void botApiDrops() {
        FaultRun fault = startFault(DROPPED, "getUpdates connection closed without an answer 3 times, sendMessage twice", "drill-a");
        emulator.inject("getUpdates", Fault.dropConnection(), 3);
        emulator.inject("sendMessage", Fault.dropConnection(), 2);
        awaitFaultsUsed(fault, "getupdates", "sendmessage");
        recover(fault);
    }

    private void startSecondInstance() {
        FaultRun fault = startFault(SECOND_INSTANCE, "drill-b started on the same database and token while drill-a is active", "drill-a");
        AppInstance b = startInstance("drill-b");
        awaitServing(b);
        await("drill-b stands by").atMost(Duration.ofSeconds(30)).until(() -> b.output().contains("standing by"));
        int conflictsBefore = emulator.conflicts();
        int[] maxOpenPolls = {0};
        boolean[] firstKept = {true};
        long from = System.nanoTime();
        holdFor(Duration.ofSeconds(6), "drill-a keeps the lease while drill-b stands by", () -> {
            maxOpenPolls[0] = Math.max(maxOpenPolls[0], emulator.openPolls());
            boolean aHolds = leaseHolderQuietly().map(h -> h.startsWith("drill-a/")).orElse(true);
            firstKept[0] &= aHolds;
            return b.alive();
        });
        twoInstances = new DrillResult.TwoInstances(firstKept[0], emulator.conflicts() - conflictsBefore, maxOpenPolls[0],
                (System.nanoTime() - from) / 1e9);
        fault.note("drill-b stood by; lease stayed with drill-a: " + firstKept[0] + "; 409s meanwhile: " + twoInstances.conflicts()
                + "; most long polls open at once: " + maxOpenPolls[0]);
        fault.cleared();
        recover(fault);
    }

    /**
     * Kills drill-a at the worst moment for exactly-once: it has committed updates but not yet stored or
     * confirmed the offset past them. The drill holds the lock on the offset row, waits until drill-a has
     * committed a batch and is blocked storing its offset, and kills it then; Telegram (the emulator) still
     * holds those updates and redelivers them to the standby, which must recognise every one.
     */
    private void killActiveInstance() throws Exception {
        seedWave();
        AppInstance a = instances.get("drill-a");
        FaultRun fault = startFault(KILLED, "SIGKILL of drill-a right after it committed a batch and before the offset past it was "
                + "stored or confirmed to Telegram (the drill holds the offset row's lock to catch that moment)", "drill-b");
        // The users pause for a moment, so that drill-a is idle in its long poll when the burst arrives.
        users.stopTrading();
        long pausedAt = System.nanoTime();
        long beforePause = ledger.lastUpdateId();
        int ordersBeforePause = ordersUpTo(beforePause);
        await("drill-a applies every order before the burst and stores its offset").atMost(Duration.ofSeconds(20)).ignoreExceptions()
                .until(() -> countTradesUpTo(beforePause) == ordersBeforePause && storedOffset() > beforePause);
        try (Connection lock = pg.admin("drill-offset-lock").getConnection()) {
            lock.setAutoCommit(false);
            long lockedOffset;
            int lockPid;
            try (Statement s = lock.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT next_offset, pg_backend_pid() FROM bot_offsets FOR UPDATE")) {
                rs.next();
                lockedOffset = rs.getLong(1);
                lockPid = rs.getInt(2);
            }
            // One order per user in one batch: the batch drill-a commits and then cannot store or confirm.
            users.burst();
            long burstEnd = ledger.lastUpdateId();
            List<Integer> blocked = new ArrayList<>();
            await("drill-a commits the burst and waits to store its offset").atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(50)).ignoreExceptions().until(() -> {
                        blocked.clear();
                        blocked.addAll(blockedBy(lockPid));
                        return !blocked.isEmpty() && maxTradedUpdate() >= burstEnd;
                    });
            Instant leaseExpiry = checker.query(c -> {
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT expires_at FROM instance_lease "
                        + "WHERE holder_id LIKE 'drill-a/%'")) {
                    rs.next();
                    return rs.getTimestamp(1).toInstant();
                }
            });
            long confirmedBelow = emulator.confirmedBelow();
            int committedUnconfirmed = countTradesFrom(confirmedBelow);

            long killedAt = System.nanoTime();
            a.kill();
            users.startTrading(ORDER_EVERY_PER_USER);
            probe.forget("drill-a");
            int repliesBefore = emulator.sent().size();
            fault.note("users paused for " + String.format(java.util.Locale.ROOT, "%.1f", (killedAt - pausedAt) / 1e9)
                    + " s around the burst; offset row locked at " + lockedOffset + "; drill-a had committed up to update " + maxTradedUpdate()
                    + "; Telegram had confirmed below " + confirmedBelow + ": " + committedUnconfirmed + " committed updates not yet confirmed");
            awaitBackendsGone(fault, blocked);
            lock.rollback();
            fault.cleared();

            await("drill-b takes over the bot lease").atMost(LEASE_TTL.multipliedBy(3)).pollInterval(Duration.ofMillis(50))
                    .ignoreExceptions().until(() -> leaseHolder().startsWith("drill-b/"));
            long leaseAt = System.nanoTime();
            Instant acquired = checker.query(c -> {
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT acquired_at FROM instance_lease "
                        + "WHERE holder_id LIKE 'drill-b/%'")) {
                    rs.next();
                    return rs.getTimestamp(1).toInstant();
                }
            });
            Long firstReply = awaitNanos(RECOVERY_BOUND, () -> emulator.sent().size() > repliesBefore);
            recover(fault);
            takeover = new DrillResult.Takeover(LEASE_TTL.toMillis() / 1000.0, LEASE_CHECK.toMillis() / 1000.0, (leaseAt - killedAt) / 1e9,
                    Duration.between(leaseExpiry, acquired).toMillis() / 1000.0, committedUnconfirmed,
                    firstReply == null ? null : (firstReply - killedAt) / 1e9);
        }
    }

    /** Backends that waited on the drill's lock belong to the killed process; PostgreSQL ends them, or the drill does. */
    private void awaitBackendsGone(FaultRun fault, List<Integer> pids) throws SQLException {
        Long gone = awaitNanos(Duration.ofSeconds(3), () -> countBackends(pids) == 0);
        if (gone == null) {
            checker.query(c -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid = ANY(?)")) {
                    ps.setArray(1, c.createArrayOf("int4", pids.toArray()));
                    ps.execute();
                }
                return null;
            });
            fault.note("the dead instance's blocked backends were still there after 3 s and were terminated");
        }
    }

    private void finish() throws SQLException {
        seedWave();
        FaultRun drain = startFault("Drain", "users stop; the last orders and replies go through; cleanup finishes", "drill-b");
        users.stopTrading();
        drain.cleared();
        recover(drain);
        faults.remove(drain);
        Long cleaned = awaitNanos(Duration.ofSeconds(30), () -> expired.remainingExpired() == 0 && !expired.cleanupRunning());
        if (cleaned == null) {
            log.warn("Cleanup did not finish within 30 s of the last wave");
        }
    }

    // ---- recovery and bounded waits ---------------------------------------------------------------------

    private FaultRun startFault(String name, String what, String instance) {
        awaitSteady();
        log.info("Drill fault: {} ({})", name, what);
        FaultRun fault = new FaultRun(name, what, instance, System.nanoTime());
        faults.add(fault);
        return fault;
    }

    /**
     * Lets the last fault wear off first, so that each fault's figures are its own: every order sent more than
     * {@link #STEADY_LATENCY} ago has its reply (the bot answers each chat at most once a second, as Telegram
     * requires, so replies catch up slower than orders), and every running instance's /health has been UP for
     * two monitor intervals (an outage shows there only at the monitor's next snapshot).
     */
    private void awaitSteady() {
        if (awaitNanos(RECOVERY_BOUND, () -> ledger.unansweredSentBefore(System.nanoTime() - STEADY_LATENCY.toNanos()) == 0
                && probe.allUpFor(MONITOR_INTERVAL.multipliedBy(2))) == null) {
            log.warn("The app was not steady (replies drained, /health UP) within {} s", RECOVERY_BOUND.toSeconds());
        }
    }

    /**
     * Waits until every order sent before the clear has been applied (has its trade: judged by the effect, not
     * by the exactly-once record, so that a build without that record still runs to the checks), and answered.
     */
    private void recover(FaultRun fault) {
        long lastId = ledger.lastUpdateId();
        int expectedUpTo = ordersUpTo(lastId);
        fault.applied = awaitNanos(RECOVERY_BOUND, () -> countTradesUpTo(lastId) == expectedUpTo);
        fault.answered = awaitNanos(RECOVERY_BOUND, () -> ledger.unansweredUpTo(lastId) == 0);
    }

    private void awaitFaultsUsed(FaultRun fault, String... methods) {
        Long used = awaitNanos(Duration.ofSeconds(30), () -> Stream.of(methods).allMatch(m -> emulator.pendingFaults(m) == 0));
        if (used == null) {
            fault.note("not every injected answer was used within 30 s; the rest were dropped");
            emulator.clearFaults();
        }
        fault.cleared();
    }

    /** The moment (System.nanoTime) the condition held, or {@code null} when it did not within the bound. */
    private static Long awaitNanos(Duration bound, Callable<Boolean> condition) {
        try {
            await().atMost(bound).pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(condition);
            return System.nanoTime();
        } catch (ConditionTimeoutException e) {
            return null;
        }
    }

    /** Keeps a fault (or a quiet spell) going for its length, checking that it holds meanwhile. */
    private static void holdFor(Duration length, String what, Callable<Boolean> stillTrue) {
        await(what).during(length).atMost(length.plusSeconds(5)).pollInterval(Duration.ofMillis(250)).until(stillTrue);
    }

    // ---- queries --------------------------------------------------------------------------------------

    private boolean serverAnswers() {
        try (Connection c = pg.admin("drill-probe").getConnection()) {
            return c.isValid(1);
        } catch (SQLException e) {
            return false;
        }
    }

    private String leaseHolder() throws SQLException {
        return checker.query(c -> {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT holder_id FROM instance_lease "
                    + "WHERE expires_at > now() AND lease_name = 'bot:" + new BotToken(TOKEN).id() + "'")) {
                return rs.next() ? rs.getString(1) : "";
            }
        });
    }

    private Optional<String> leaseHolderQuietly() {
        try {
            return Optional.of(leaseHolder());
        } catch (SQLException e) {
            return Optional.empty();
        }
    }

    private List<Integer> blockedBy(int lockPid) throws SQLException {
        return checker.query(c -> {
            List<Integer> pids = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT pid FROM pg_stat_activity WHERE ? = ANY(pg_blocking_pids(pid))")) {
                ps.setInt(1, lockPid);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        pids.add(rs.getInt(1));
                    }
                }
            }
            return pids;
        });
    }

    private int countBackends(List<Integer> pids) throws SQLException {
        return checker.query(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(?)")) {
                ps.setArray(1, c.createArrayOf("int4", pids.toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    private long storedOffset() throws SQLException {
        return checker.query(c -> {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT coalesce(max(next_offset), 0) FROM bot_offsets")) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    private long maxTradedUpdate() throws SQLException {
        return checker.query(c -> {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT coalesce(max(update_id), 0) FROM trades")) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    private int ordersUpTo(long updateId) {
        return (int) ledger.commands().stream().filter(c -> c.updateId() <= updateId && c.side() != CommandLedger.Side.START).count();
    }

    private int countTradesUpTo(long updateId) throws SQLException {
        return countTrades("SELECT count(*) FROM trades WHERE update_id <= ?", updateId);
    }

    private int countTradesFrom(long updateId) throws SQLException {
        return countTrades("SELECT count(*) FROM trades WHERE update_id >= ?", updateId);
    }

    private int countTrades(String sql, long updateId) throws SQLException {
        return checker.query(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setLong(1, updateId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    // ---- the result ----------------------------------------------------------------------------------------

    private DrillResult result(Map<String, String> environment) throws SQLException {
        ExactlyOnceCheck.Findings exactlyOnce = ExactlyOnceCheck.verify(checker, ledger, STARTING_BALANCE);
        ExpiredRows.Findings cleanup = expired.findings();
        probe.close();
        sampler.close();
        List<FaultResult> results = new ArrayList<>();
        for (int i = 0; i < faults.size(); i++) {
            long windowEnd = i + 1 < faults.size() ? faults.get(i + 1).startNanos : System.nanoTime();
            results.add(faults.get(i).result(windowEnd));
        }
        List<String> leaks = secretLeaks();
        // Counted before the survivor stops: its stop aborts its long poll and confirms the offset with one more
        // getUpdates, which ends the emulator's side of that aborted poll with a 409 nobody hears.
        int conflictsNotInjected = emulator.conflicts() - INJECTED_CONFLICTS;
        AppInstance b = instances.get("drill-b");
        b.stop(Duration.ofSeconds(20));
        String stop = "exit code " + b.exitCode();
        boolean clean = Integer.valueOf(0).equals(b.exitCode()) && b.output().contains("Stopped cleanly");
        return new DrillResult(startedAt, seconds(System.nanoTime()), environment, results, connections(), twoInstances, takeover,
                exactlyOnce, cleanup, List.copyOf(adminAlerts), observers(), conflictsNotInjected, leaks, stop, clean);
    }

    private DrillResult.Connections connections() {
        Map<String, Integer> peaks = new LinkedHashMap<>();
        List<String> overCap = new ArrayList<>();
        int unattributed = 0;
        int hog = 0;
        int server = 0;
        List<ConnectionSampler.Sample> samples = sampler.samples();
        for (ConnectionSampler.Sample s : samples) {
            unattributed = Math.max(unattributed, s.unattributed());
            hog = Math.max(hog, s.hog());
            server = Math.max(server, s.clientBackends());
            for (String instance : instances.keySet()) {
                int held = s.of(instance);
                peaks.merge(instance, held, Math::max);
                if (held + s.unattributed() > POOL_SIZE && overCap.size() < 5) {
                    overCap.add(String.format("%.1f s: %s held %d (+%d unattributed)", seconds(s.atNanos()), instance, held, s.unattributed()));
                }
            }
        }
        return new DrillResult.Connections(POOL_SIZE, peaks, samples.size(), sampler.failedSamples(), unattributed, overCap, hog, server,
                DrillPostgres.MAX_CONNECTIONS);
    }

    private DrillResult.Observers observers() {
        Map<String, Integer> health = new LinkedHashMap<>();
        Map<String, Integer> scrapes = new LinkedHashMap<>();
        Map<String, Integer> failures = new LinkedHashMap<>();
        Map<String, Map<String, Long>> counters = new LinkedHashMap<>();
        for (String instance : instances.keySet()) {
            health.put(instance, probe.count(instance));
            scrapes.put(instance, probe.metricsScrapes(instance));
            failures.put(instance, probe.metricsFailures(instance));
            counters.put(instance, probe.botCounters(instance));
        }
        return new DrillResult.Observers(health, scrapes, failures, counters);
    }

    /** The token and the database password must not appear in anything an instance wrote. */
    private List<String> secretLeaks() {
        List<String> leaks = new ArrayList<>();
        for (AppInstance instance : instances.values()) {
            try (Stream<Path> files = Files.walk(runDir.resolve(instance.name()))) {
                files.filter(p -> p.toString().endsWith(".txt") || p.toString().endsWith(".log")).forEach(file -> {
                    String text = read(file);
                    if (text.contains(TOKEN)) {
                        leaks.add("bot token in " + runDir.relativize(file));
                    }
                    if (text.contains(pg.appPassword())) {
                        leaks.add("database password in " + runDir.relativize(file));
                    }
                });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return leaks;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    double seconds(long nanos) {
        return (nanos - t0) / 1e9;
    }

    private <T extends AutoCloseable> T own(T resource) {
        owned.add(resource);
        return resource;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String timestamp(Instant at) {
        return DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(at);
    }

    /** Stops everything the drill started, newest first: the app instances before the database and the emulator. */
    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(killInstancesOnExit);
        } catch (IllegalStateException e) {
            // the JVM is already exiting: the hook runs
        }
        for (int i = owned.size() - 1; i >= 0; i--) {
            try {
                owned.get(i).close();
            } catch (Exception e) {
                log.warn("Closing {} failed: {}", owned.get(i).getClass().getSimpleName(), e.getMessage());
            }
        }
    }

    /** A fault while it runs; becomes a {@link FaultResult} when the drill is over. */
    private final class FaultRun {
        final String name;
        final String what;
        final String instance;
        final long startNanos;
        final List<String> notes = new ArrayList<>();
        long clearedNanos;
        Long applied;
        Long answered;

        FaultRun(String name, String what, String instance, long startNanos) {
            this.name = name;
            this.what = what;
            this.instance = instance;
            this.startNanos = startNanos;
        }

        void cleared() {
            clearedNanos = System.nanoTime();
        }

        void note(String note) {
            notes.add(note);
        }

        FaultResult result(long windowEnd) {
            Double down = probe.firstDown(instance, startNanos, windowEnd).map(s -> (s.atNanos() - startNanos) / 1e9).orElse(null);
            Double up = probe.upForGood(instance, clearedNanos, windowEnd).map(s -> Math.max(0, (s.atNanos() - clearedNanos) / 1e9)).orElse(null);
            Map<String, Integer> peaks = new java.util.TreeMap<>();
            for (ConnectionSampler.Sample s : sampler.between(startNanos, windowEnd)) {
                s.perInstance().forEach((i, n) -> peaks.merge(i, n, Math::max));
            }
            return new FaultResult(name, what, instance, seconds(startNanos), (clearedNanos - startNanos) / 1e9, since(applied), since(answered),
                    down, up, peaks, List.copyOf(notes));
        }

        private Double since(Long nanos) {
            return nanos == null ? null : Math.max(0, (nanos - clearedNanos) / 1e9);
        }
    }
}
