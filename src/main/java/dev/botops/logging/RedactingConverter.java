package dev.botops.logging;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.botops.config.Secrets;

/**
 * Logback {@code %msg} replacement that masks secrets (URL passwords, {@code password=} parameters, bot
 * tokens) in every message, including ones written by libraries that print request URLs.
 */
public final class RedactingConverter extends MessageConverter {
    @Override
    public String convert(ILoggingEvent event) {
        return Secrets.redact(super.convert(event));
    }
}
