package dev.botops.drill;

import dev.botops.testing.LauncherProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One app instance: {@code botops serve} in a JVM of its own, as a server runs it (production logging: the
 * test classes are left off its class path), so that the drill can kill it with SIGKILL. Secrets reach it
 * through the environment, as systemd's EnvironmentFile would pass them, never on the command line.
 */
final class AppInstance implements AutoCloseable {
    /** Small heap, serial GC, quick JIT: two of these share 2 cores with PostgreSQL and the drill. */
    private static final List<String> JVM_OPTIONS = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    private final String name;
    private final Process process;
    private final int httpPort;
    private final Path stdout;

    private AppInstance(String name, Process process, int httpPort, Path stdout) {
        this.name = name;
        this.process = process;
        this.httpPort = httpPort;
        this.stdout = stdout;
    }

    /**
     * Starts {@code botops serve} with the given settings ({@code --set}) and environment, in {@code dir}
     * (its data directory, logs and stdout).
     */
    static AppInstance start(String name, Path dir, int httpPort, Map<String, String> settings, Map<String, String> environment) {
        try {
            Files.createDirectories(dir);
            List<String> args = new ArrayList<>(List.of("serve"));
            settings.forEach((key, value) -> args.addAll(List.of("--set", key + "=" + value)));
            Path out = dir.resolve("stdout.txt");
            ProcessBuilder builder = LauncherProcess.builder(JVM_OPTIONS, args)
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile());
            builder.environment().putAll(environment);
            return new AppInstance(name, builder.start(), httpPort, out);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start app instance " + name, e);
        }
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    int httpPort() {
        return httpPort;
    }

    boolean alive() {
        return process.isAlive();
    }

    /** Everything the instance has logged so far (serve logs to stdout). */
    String output() {
        try {
            return Files.readString(stdout, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** SIGKILL: no shutdown hook, no offset confirmation, no lease release. */
    void kill() {
        process.destroyForcibly();
        awaitExit(Duration.ofSeconds(10));
    }

    /** SIGTERM, as systemd stops it; SIGKILL if it does not stop within the bound. */
    void stop(Duration within) {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        if (!awaitExit(within)) {
            kill();
        }
    }

    Integer exitCode() {
        return process.isAlive() ? null : process.exitValue();
    }

    private boolean awaitExit(Duration within) {
        try {
            return process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(20));
    }
}
