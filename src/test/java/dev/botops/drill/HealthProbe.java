package dev.botops.drill;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The external monitor: polls every instance's {@code /health} four times a second and {@code /metrics} once
 * a second, over loopback HTTP like any monitoring agent, and keeps what it saw.
 */
final class HealthProbe implements AutoCloseable {
    static final Duration EVERY = Duration.ofMillis(250);
    private static final int METRICS_EVERY = 4;
    private static final int TIMEOUT_MILLIS = 1000;

    /** What {@code /health} answered: 200 (UP or WARN), 503 (DOWN), or -1 when nothing answered. */
    record Sample(String instance, long atNanos, int status) {
        boolean up() {
            return status == 200;
        }

        boolean down() {
            return status == 503;
        }
    }

    private final Map<String, Integer> ports = new ConcurrentHashMap<>();
    private final List<Sample> samples = new CopyOnWriteArrayList<>();
    private final Map<String, String> lastMetrics = new ConcurrentHashMap<>();
    private final Map<String, Integer> metricsScrapes = new ConcurrentHashMap<>();
    private final Map<String, Integer> metricsFailures = new ConcurrentHashMap<>();
    private final Periodic periodic;
    private int round;

    HealthProbe() {
        this.periodic = Periodic.start("drill-health-probe", EVERY, this::probe);
    }

    void watch(String instance, int httpPort) {
        ports.put(instance, httpPort);
    }

    void forget(String instance) {
        ports.remove(instance);
    }

    /** Whether every watched instance answered, and answered only UP, over the last {@code period}. */
    boolean allUpFor(Duration period) {
        long since = System.nanoTime() - period.toNanos();
        return ports.keySet().stream().allMatch(instance -> {
            List<Sample> recent = samples(instance, since, Long.MAX_VALUE);
            return !recent.isEmpty() && recent.stream().allMatch(Sample::up);
        });
    }

    private void probe() {
        boolean scrape = round++ % METRICS_EVERY == 0;
        ports.forEach((instance, port) -> {
            samples.add(new Sample(instance, System.nanoTime(), get(port, "/health").status()));
            if (scrape) {
                Response metrics = get(port, "/metrics");
                if (metrics.status() == 200) {
                    metricsScrapes.merge(instance, 1, Integer::sum);
                    lastMetrics.put(instance, metrics.body());
                } else {
                    metricsFailures.merge(instance, 1, Integer::sum);
                }
            }
        });
    }

    private record Response(int status, String body) {
    }

    private static Response get(int port, String path) {
        HttpURLConnection c = null;
        try {
            c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + path).toURL().openConnection();
            c.setConnectTimeout(TIMEOUT_MILLIS);
            c.setReadTimeout(TIMEOUT_MILLIS);
            int status = c.getResponseCode();
            try (InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream()) {
                return new Response(status, in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            return new Response(-1, "");
        } finally {
            if (c != null) {
                c.disconnect();
            }
        }
    }

    List<Sample> samples(String instance, long fromNanos, long toNanos) {
        List<Sample> result = new ArrayList<>();
        for (Sample s : samples) {
            if (s.instance().equals(instance) && s.atNanos() >= fromNanos && s.atNanos() <= toNanos) {
                result.add(s);
            }
        }
        return result;
    }

    /** The first DOWN answer in the window. */
    Optional<Sample> firstDown(String instance, long fromNanos, long toNanos) {
        return samples(instance, fromNanos, toNanos).stream().filter(Sample::down).findFirst();
    }

    /** The first UP answer after which every answer up to {@code toNanos} was UP too. */
    Optional<Sample> upForGood(String instance, long fromNanos, long toNanos) {
        Sample candidate = null;
        for (Sample s : samples(instance, fromNanos, toNanos)) {
            if (!s.up()) {
                candidate = null;
            } else if (candidate == null) {
                candidate = s;
            }
        }
        return Optional.ofNullable(candidate);
    }

    int count(String instance) {
        return (int) samples.stream().filter(s -> s.instance().equals(instance)).count();
    }

    int metricsScrapes(String instance) {
        return metricsScrapes.getOrDefault(instance, 0);
    }

    int metricsFailures(String instance) {
        return metricsFailures.getOrDefault(instance, 0);
    }

    /**
     * The bot's counters from the instance's last /metrics scrape ({@code botops_bot_*}), summed over labels;
     * empty when it was never scraped.
     */
    Map<String, Long> botCounters(String instance) {
        Map<String, Long> counters = new java.util.TreeMap<>();
        String text = lastMetrics.get(instance);
        if (text == null) {
            return counters;
        }
        for (String line : text.split("\n")) {
            if (!line.startsWith("botops_bot_") || line.startsWith("botops_bot_state")) {
                continue;
            }
            int nameEnd = line.indexOf('{') >= 0 ? line.indexOf('{') : line.indexOf(' ');
            String name = line.substring("botops_bot_".length(), nameEnd).replace("_total", "");
            try {
                long value = (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                counters.merge(name, value, Long::sum);
            } catch (NumberFormatException e) {
                // not a sample line
            }
        }
        return counters;
    }

    @Override
    public void close() {
        periodic.close();
    }
}
