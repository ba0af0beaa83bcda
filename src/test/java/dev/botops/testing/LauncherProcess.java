package dev.botops.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * {@code botops} in a child JVM, as a user or a server runs it: the production logging set-up (the test classes, and
 * so logback-test.xml, are left off its class path), none of this environment's settings (see {@link #builder}),
 * stdout and stderr in files (rather than pipes, which {@link Process#destroy()} closes: the lines written while
 * stopping matter).
 */
public final class LauncherProcess implements AutoCloseable {
    private final Process process;
    private final Path stdout;
    private final Path stderr;

    private LauncherProcess(Process process, Path stdout, Path stderr) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /**
     * Starts {@code dev.botops.app.Launcher} with {@code args}, its stdout and stderr in {@code work}.
     *
     * @param jvmOptions system properties and other JVM options, before the main class
     */
    public static LauncherProcess start(Path work, List<String> jvmOptions, String... args) throws IOException {
        return start(work, builder(jvmOptions, List.of(args)));
    }

    /** Like {@link #start(Path, List, String...)}, on another build's class path (e.g. an older commit's, for a benchmark). */
    public static LauncherProcess start(Path work, String classPath, List<String> jvmOptions, String... args) throws IOException {
        return start(work, builder(classPath, jvmOptions, List.of(args)));
    }

    private static LauncherProcess start(Path work, ProcessBuilder builder) throws IOException {
        Path out = work.resolve("stdout.txt");
        Path err = work.resolve("stderr.txt");
        Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        return new LauncherProcess(process, out, err);
    }

    /**
     * The command line and environment of such a child, for callers that redirect its output themselves: the
     * class path less the test classes, and no database URL, {@code BOTOPS_*} or {@code TELEGRAM_*} (a developer's
     * real bot token) from this environment.
     */
    public static ProcessBuilder builder(List<String> jvmOptions, List<String> args) {
        String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.endsWith("test-classes"))
                .collect(Collectors.joining(File.pathSeparator));
        return builder(classPath, jvmOptions, args);
    }

    private static ProcessBuilder builder(String classPath, List<String> jvmOptions, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", classPath, "dev.botops.app.Launcher"));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(name -> name.equals("DATABASE_URL") || name.startsWith("BOTOPS_")
                || name.startsWith("TELEGRAM_"));
        return builder;
    }

    public Process process() {
        return process;
    }

    /** What the child wrote to stdout so far. */
    public String stdout() throws IOException {
        return Files.readString(stdout, StandardCharsets.UTF_8);
    }

    /** What the child wrote to stderr so far (the dashboard's console log). */
    public String stderr() throws IOException {
        return Files.readString(stderr, StandardCharsets.UTF_8);
    }

    /**
     * Stops the child as a service manager does (SIGTERM) and waits up to {@code wait} for it to exit; returns its
     * exit code, or kills it (and what it started) and returns -1.
     */
    public int stop(java.time.Duration wait) throws InterruptedException {
        process.destroy();
        if (process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS)) {
            return process.exitValue();
        }
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        return -1;
    }

    /** Kills a child the test left running. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }
}
