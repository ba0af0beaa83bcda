package dev.botops.maintenance;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeAndTimeBasedRollingPolicy;
import ch.qos.logback.core.util.FileSize;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The readable run log {@code maintenance.log} in the app's log directory, rotated daily and at 10 MB and
 * kept for 90 days. Built here rather than in logback.xml because its directory comes from the validated
 * settings ({@code app.data-dir}), which logback cannot see when it starts.
 */
final class MaintenanceLogFile implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MaintenanceLogFile.class);

    private final Path file;
    private final ch.qos.logback.classic.Logger logger;
    private final RollingFileAppender<ILoggingEvent> appender;

    MaintenanceLogFile(Path logDir) {
        this.file = logDir.resolve("maintenance.log");
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext)) {
            log.warn("Logging is not logback; maintenance runs are recorded in the database only, not in {}", file);
            this.logger = null;
            this.appender = null;
            return;
        }
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        appender = new RollingFileAppender<>();
        appender.setContext(context);
        appender.setName("maintenance-log-" + System.identityHashCode(this));
        appender.setFile(file.toString());
        SizeAndTimeBasedRollingPolicy<ILoggingEvent> rolling = new SizeAndTimeBasedRollingPolicy<>();
        rolling.setContext(context);
        rolling.setParent(appender);
        rolling.setFileNamePattern(logDir.resolve("maintenance.%d{yyyy-MM-dd}.%i.log.gz").toString());
        rolling.setMaxFileSize(FileSize.valueOf("10MB"));
        rolling.setMaxHistory(90);
        rolling.setTotalSizeCap(FileSize.valueOf("200MB"));
        rolling.start();
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %msg%n");
        encoder.start();
        appender.setRollingPolicy(rolling);
        appender.setEncoder(encoder);
        appender.start();
        // One logger per instance (tests run two app instances in one JVM, each with its own log directory).
        logger = context.getLogger("botops.maintenance-log." + System.identityHashCode(this));
        logger.setAdditive(false);
        logger.setLevel(Level.INFO);
        logger.addAppender(appender);
    }

    Path file() {
        return file;
    }

    void write(String text) {
        if (logger != null) {
            logger.info(text);
        }
    }

    @Override
    public void close() {
        if (logger != null) {
            logger.detachAppender(appender);
            appender.stop();
        }
    }
}
