package dev.botops.bot;

import dev.botops.bot.lease.LeaseKeeper;
import dev.botops.bot.lease.LeaseListener;
import dev.botops.bot.telegram.TelegramGateway;
import dev.botops.bot.trading.MarketSimulator;
import dev.botops.bot.trading.TradingCommands;
import dev.botops.bot.trading.UpdateProcessor;
import dev.botops.concurrent.Threads;
import dev.botops.db.Database;
import dev.botops.lease.InstanceLease;
import dev.botops.lease.LeaseHolder;
import dev.botops.monitor.AlertListener;
import dev.botops.monitor.AlertSink;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Telegram bot as one service: it stands by until this instance holds the bot's lease, then checks for
 * a webhook, polls, answers users, ticks the market and notifies admins; it steps down when the lease is
 * lost and stops gracefully (offset confirmed, lease released) when closed.
 *
 * <p>Polling runs ({@link PollingLoop}) are executed one after the other on the service's one polling thread:
 * a run started while the previous one still finishes its batch (a step-down during a database outage) waits
 * in that thread's queue, so the process never has two runs talking to Telegram, and nobody has to wait for
 * the old run to make sure of it. The service also owns the {@link FailurePolicy} every run applies.
 */
public final class BotService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BotService.class);
    /**
     * How long pause and close wait for the polling run to confirm its offset before they release the lease. A
     * run still busy after that (its batch stuck in database retries) is told to step down instead: it stores
     * its offset but no longer confirms it, since another instance may poll as soon as the lease is free.
     */
    private static final Duration STOP_WAIT = Duration.ofSeconds(4);
    private static final String STOPPED_BY_OPERATOR = "Stopped by the operator; the lease is free for a standby instance";

    private final BotCounters counters = new BotCounters();
    private final StatusBoard board;
    private final TelegramGateway gateway;
    private final OutgoingSender sender;
    private final MarketSimulator market;
    private final BotOffsets offsets;
    private final AdminAlertNotifier adminAlerts;
    private final ExecutorService workers;
    private final LeaseKeeper leaseKeeper;
    private final MessageLog messageLog;
    private final BotConfig config;
    private final FailurePolicy failures;
    private final StartupChecks startupChecks;
    private final UpdateDispatcher dispatcher;
    /** The one thread every polling run of this service runs on, one run after the other. */
    private final ExecutorService pollingThread = Executors.newSingleThreadExecutor(Threads.daemon("bot-poll"));
    /** The latest run (queued, running or ended), or null before the first. */
    private PollingLoop run;
    private int runs;
    /** Stopped by the operator ({@link #pause()}): out of the running for the lease until {@link #resume()}. */
    private boolean paused;
    private boolean closed;

    public BotService(BotConfig config, Database db, AlertSink alerts) {
        this.config = config;
        this.gateway = new TelegramGateway(config.token(), config.apiUrl(), config.pollTimeout());
        this.sender = new OutgoingSender(gateway, config.sendLimits(), counters);
        this.board = new StatusBoard(counters, config.token().sandbox(), sender::queued);
        this.market = new MarketSimulator(db, config.marketSeed(), config.marketTick());
        UpdateProcessor processor = new UpdateProcessor(db, new TradingCommands(market, config.startingBalance(), board::knownUsername));
        this.offsets = new BotOffsets(db, "bot:" + config.token().id());
        this.messageLog = new MessageLog(db);
        this.adminAlerts = new AdminAlertNotifier(sender, config.adminChats(), config.alerts());
        // Leave connections for the lease heartbeat, the market and the rest of the app.
        int workerCount = Math.max(1, db.poolSize() - 2);
        this.workers = Executors.newFixedThreadPool(workerCount, Threads.numberedDaemons("bot-worker"));
        this.failures = new FailurePolicy(config, alerts, counters);
        this.startupChecks = new StartupChecks(config, gateway, board, failures);
        this.dispatcher = new UpdateDispatcher(processor, sender, counters, workers);
        String holderId = config.instanceName() + "/" + UUID.randomUUID().toString().substring(0, 8);
        InstanceLease lease = new InstanceLease(db, "bot:" + config.token().id(), holderId, hostName(),
                ProcessHandle.current().pid(), config.leaseTtl());
        this.leaseKeeper = new LeaseKeeper(lease);
        leaseKeeper.addListener(new LeaseListener() {
            @Override
            public void becameActive() {
                activate();
            }

            @Override
            public void becameStandby(Optional<LeaseHolder> activeHolder) {
                standBy(activeHolder);
            }
        });
    }
    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    /** Starts competing for the lease; the bot polls once this instance holds it. */
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException("The bot service is closed");
        }
        board.set(BotState.STANDBY, "Waiting for the bot lease");
        leaseKeeper.start();
    }

    /** The bot's state and counters now. */
    public BotStatus status() {
        return board.snapshot();
    }

    /** Told about every change of state (on a bot thread). */
    public void addStatusListener(Consumer<BotStatus> listener) {
        board.addListener(listener);
    }

    /** Told when this instance becomes active or standby: the maintenance scheduler follows the lease. */
    public void addLeaseListener(LeaseListener listener) {
        leaseKeeper.addListener(listener);
    }

    /** Register with the alert service: sends alerts to the admin chats. */
    public AlertListener adminAlerts() {
        return adminAlerts;
    }

    /** The id of this instance in the lease table. */
    public String holderId() {
        return leaseKeeper.lease().holderId();
    }

    /** The latest messages in and out of the bot ({@code message_log}), newest first: the dashboard's recent activity. */
    public List<LoggedMessage> recentMessages(int limit) {
        return messageLog.recent(limit);
    }

    /**
     * Operator action "Stop": stops polling (the batch in hand finishes, the offset is confirmed) and releases the
     * lease, so a standby instance takes over at once; this instance stays out of the running until
     * {@link #resume()}. Blocks until the polling loop has stopped (a few seconds at most).
     */
    public void pause() {
        synchronized (this) {
            if (closed || paused) {
                return;
            }
            paused = true;
        }
        log.info("Operator stopped the bot");
        // Outside this monitor: the lease keeper calls standBy() holding its own lock, and its thread takes this monitor.
        leaseKeeper.pause();
        synchronized (this) {
            if (!closed) {
                board.set(BotState.STOPPED, STOPPED_BY_OPERATOR);
            }
        }
    }

    /** Operator action "Start" after {@link #pause()}: competes for the lease again and polls once it holds it. */
    public void resume() {
        synchronized (this) {
            if (closed || !paused) {
                return;
            }
            paused = false;
            board.set(BotState.STANDBY, "Waiting for the bot lease");
        }
        log.info("Operator started the bot again");
        leaseKeeper.resume();
    }

    /** Operator action: after a conflict (409 storm, refused webhook, bad token), try polling again. */
    public synchronized void retry() {
        if (closed || !leaseKeeper.active() || board.state() != BotState.CONFLICT) {
            return;
        }
        log.info("Operator asked the bot to retry polling");
        // The run that hit the conflict has ended or is ending (confirming its offset); the new one runs after it.
        if (run != null) {
            run.stop();
        }
        startRun();
    }

    private synchronized void activate() {
        if (closed || paused) {
            return;
        }
        board.holder(leaseKeeper.lastKnownHolder());
        adminAlerts.setActive(true);
        market.startTicking();
        startRun();
    }

    /**
     * Queues a new run on the polling thread, behind the previous one if that is still finishing its batch: the
     * caller (the lease thread, the operator) is not held up, and two runs never poll at once.
     */
    private void startRun() {
        PollingLoop previous = run;
        run = new PollingLoop(++runs, config, gateway, offsets, board, counters, failures, startupChecks, dispatcher);
        if (previous != null && !previous.ended()) {
            log.info("Polling run {} waits for run {} to finish its batch", runs, runs - 1);
            board.set(BotState.BACKING_OFF, "Waiting for the previous polling run to finish its batch");
        } else {
            board.set(BotState.POLLING, "Starting to poll");
        }
        pollingThread.execute(run);
    }

    private void standBy(Optional<LeaseHolder> activeHolder) {
        PollingLoop stopped;
        boolean leaseLost;
        synchronized (this) {
            // Closing and pausing release the lease only after this returns, so their run may still confirm its offset;
            // a lost lease may already be someone else's.
            leaseLost = !closed && !paused;
            stopped = run;
            if (stopped != null) {
                if (leaseLost) {
                    stopped.stepDown();
                } else {
                    stopped.stop();
                }
            }
            market.stopTicking();
            adminAlerts.setActive(false);
            board.holder(activeHolder);
            if (closed) {
                board.set(BotState.STOPPED, "Stopped");
            } else if (paused) {
                board.set(BotState.STOPPED, STOPPED_BY_OPERATOR);
            } else {
                board.set(BotState.STANDBY, activeHolder.map(h -> "Another instance is active: " + h.holderId() + " on " + h.host())
                        .orElse("The lease could not be renewed; standing by"));
            }
        }
        // A lost lease needs no wait: the next run queues behind this one. Pause and close wait, so that the
        // offset is confirmed before the lease is released.
        if (!leaseLost && stopped != null && !stopped.awaitEnd(STOP_WAIT)) {
            log.warn("The polling run did not stop within {} s (its batch is still in the database); the lease is released now, "
                    + "so it will store its offset without confirming it to Telegram", STOP_WAIT.toSeconds());
            stopped.stepDown();
        }
    }

    /**
     * Stops gracefully: an open long poll is aborted at once, the batch in hand finishes, the offset is
     * stored and confirmed, the lease is released (a standby takes over at once), queued replies get a short
     * drain. Safe to call twice.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        long started = System.nanoTime();
        leaseKeeper.close();
        synchronized (this) {
            if (run != null) {
                run.stop();
            }
            board.set(BotState.STOPPED, "Stopped");
        }
        Threads.shutdown(pollingThread, Duration.ofSeconds(2), "The polling thread");
        adminAlerts.close();
        sender.close(Duration.ofSeconds(1));
        market.close();
        Threads.shutdown(workers, Duration.ofSeconds(2), "The bot workers");
        gateway.close();
        log.info("Bot stopped in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }
}
