package dev.botops.bot;

import dev.botops.monitor.AlertSink;
import dev.botops.monitor.Severity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs alerts; the bot's sink where no alert service is wired (e.g. a bot-only process). */
public final class LoggingAlertSink implements AlertSink {
    private static final Logger log = LoggerFactory.getLogger(LoggingAlertSink.class);

    @Override
    public void raise(String ruleId, Severity severity, String message, String hint) {
        if (severity == Severity.INFO) {
            log.info("Alert {} ({}): {}", ruleId, severity, message);
        } else {
            log.warn("Alert {} ({}): {} {}", ruleId, severity, message, hint == null ? "" : hint);
        }
    }

    @Override
    public void resolve(String ruleId) {
        log.info("Alert {} resolved", ruleId);
    }
}
