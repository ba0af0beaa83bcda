package dev.botops.logging;

import ch.qos.logback.classic.pattern.ExtendedThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.botops.config.Secrets;

/** Logback {@code %ex} replacement that masks secrets in exception messages and stack traces. */
public final class RedactingThrowableConverter extends ExtendedThrowableProxyConverter {
    @Override
    public String convert(ILoggingEvent event) {
        return Secrets.redact(super.convert(event));
    }
}
