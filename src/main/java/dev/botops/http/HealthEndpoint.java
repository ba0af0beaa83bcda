package dev.botops.http;

import dev.botops.config.ConfigKey;
import dev.botops.config.Settings;
import dev.botops.monitor.DatabaseSnapshot;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The health and metrics endpoint for external monitors: {@code /health}, {@code /database/health},
 * {@code /metrics}, maintenance over HTTP and the run log, on the embedded {@link HttpEndpoint}.
 *
 * <p>The three polled endpoints read only the services' cached state (the monitor's latest snapshot, the
 * active alerts, the bot's status, the scheduler's state, and a copy of the run log refreshed in the
 * background), so polling them never costs a database connection. Their bodies are serialised once per
 * change of that state and then served as bytes.
 */
public final class HealthEndpoint implements AutoCloseable {
    /** How old the copy of the run log behind {@code /database/health} and {@code /metrics} may get. */
    static final Duration RUNS_MAX_AGE = Duration.ofSeconds(5);

    private final HealthSources sources;
    private final Clock clock;
    private final Duration staleAfter;
    private final RecentRuns recentRuns;
    private final PrometheusMetrics metrics = new PrometheusMetrics();
    private final Memo health = new Memo();
    private final Memo details = new Memo();
    private final Memo metricsText = new Memo();
    private final HttpEndpoint endpoint;

    private HealthEndpoint(Settings settings, HealthSources sources, Clock clock) throws IOException {
        this.sources = sources;
        this.clock = clock;
        this.staleAfter = settings.duration(ConfigKey.MONITOR_STALE_AFTER);
        this.recentRuns = new RecentRuns(sources.maintenance(), clock, RUNS_MAX_AGE);
        int perMinute = settings.integer(ConfigKey.HTTP_MAINTENANCE_RATE);
        MaintenanceApi maintenance = new MaintenanceApi(sources.maintenance(), new BearerAuth(settings.string(ConfigKey.HTTP_TOKEN)),
                new RateLimiter(clock, perMinute, Duration.ofMinutes(1).dividedBy(perMinute)), recentRuns);
        HttpEndpoint.Routes routes = new HttpEndpoint.Routes();
        routes.add("/health").on("GET", r -> health());
        routes.add("/database/health").on("GET", r -> databaseHealth());
        routes.add("/metrics").on("GET", r -> metrics());
        routes.add("/database/cleanup", "dryRun").on("POST", maintenance::cleanup);
        routes.add("/database/vacuum", "table", "analyze", "full").on("POST", maintenance::vacuum);
        routes.add("/maintenance/runs", "limit").on("GET", maintenance::runs);
        routes.add("/maintenance/runs/{id}").on("GET", maintenance::run);
        try {
            this.endpoint = new HttpEndpoint(InetAddress.getByName(settings.string(ConfigKey.HTTP_BIND)), settings.integer(ConfigKey.HTTP_PORT),
                    HttpLimits.of(settings), routes.build(), HttpJson.MAPPER);
        } catch (IOException | RuntimeException e) {
            recentRuns.close();
            throw e;
        }
    }

    /** Binds {@code http.bind}:{@code http.port} and serves until closed; fails when the address cannot be bound. */
    public static HealthEndpoint start(Settings settings, HealthSources sources, Clock clock) throws IOException {
        return new HealthEndpoint(settings, sources, clock);
    }

    /** The bound port (the chosen one when {@code http.port} is 0). */
    public int port() {
        return endpoint.port();
    }

    /** {@code http://address:port}, e.g. for a log line or a test client. */
    public String url() {
        return "http://" + endpoint.hostPort();
    }

    private CachedState read() {
        return sources.read(clock.instant(), staleAfter);
    }

    private Response health() {
        CachedState state = read();
        HealthVerdict verdict = HealthVerdict.of(state);
        byte[] body = health.get(new Key(state, verdict, null, false), () -> HttpJson.bytes(HealthJson.summary(state, verdict)));
        return Response.json(verdict.status().httpStatus(), body);
    }

    private Response databaseHealth() {
        CachedState state = read();
        HealthVerdict verdict = HealthVerdict.of(state);
        RecentRuns.View runs = recentRuns.view();
        byte[] body = details.get(new Key(state, verdict, runs, true),
                () -> HttpJson.bytes(HealthJson.details(state, verdict, runs, sources)));
        return Response.json(verdict.status().httpStatus(), body);
    }

    private Response metrics() {
        CachedState state = read();
        HealthVerdict verdict = HealthVerdict.of(state);
        RecentRuns.View runs = recentRuns.view();
        byte[] body = metricsText.get(new Key(state, verdict, runs, true), () -> metrics.scrape(state, verdict, runs));
        return new Response(200, metrics.contentType(), Map.of(), body);
    }

    /** Stops serving first (in-flight requests finish, bounded), then the run log reader. */
    @Override
    public void close() {
        endpoint.close();
        recentRuns.close();
    }

    /**
     * What a body depends on. The snapshot is compared by the instant it was taken (it is immutable, and
     * comparing its tables would cost more than serialising them); the current time only through the stale flag.
     */
    private record Key(Instant snapshotAt, DatabaseSnapshot.State snapshotState, Instant lastReachableAt, boolean stale,
                       HealthVerdict verdict, Object alerts, Object forecast, Object bot, Object scheduler, Long activeRunId,
                       RecentRuns.View runs) {
        Key(CachedState s, HealthVerdict verdict, RecentRuns.View runs, boolean detailed) {
            this(s.latest() == null ? null : s.latest().takenAt(), s.latest() == null ? null : s.latest().state(),
                    s.lastReachable() == null ? null : s.lastReachable().takenAt(), s.stale(), verdict, detailed ? s.alerts() : null,
                    detailed ? s.forecast() : null, detailed ? s.bot() : s.botState(),
                    detailed ? s.scheduler() : s.schedulerState(), s.activeRunId(), runs);
        }
    }

    /** The last body built and the key it was built for; a race only means a body is built twice. */
    private static final class Memo {
        private record Entry(Object key, byte[] body) {
        }

        private volatile Entry last;

        byte[] get(Object key, Supplier<byte[]> build) {
            Entry entry = last;
            if (entry != null && entry.key().equals(key)) {
                return entry.body();
            }
            byte[] built = build.get();
            last = new Entry(key, built);
            return built;
        }
    }
}
