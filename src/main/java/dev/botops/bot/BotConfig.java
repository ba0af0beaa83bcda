package dev.botops.bot;

import dev.botops.bot.telegram.BotToken;
import dev.botops.config.ConfigKey;
import dev.botops.config.Settings;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;

/**
 * Everything the bot needs from the configuration, in one immutable value. {@link #toString()} is safe to
 * log: the token is masked by {@link BotToken}.
 *
 * @param pollTimeout      the getUpdates long-poll timeout
 * @param conflictPause    the pause after a 409 before polling again
 * @param maxBackoff       the longest wait between two failed polls
 * @param alerts           the admin-alert notification policy
 */
public record BotConfig(BotToken token, String apiUrl, String instanceName, List<Long> adminChats, Duration leaseTtl,
                        ConfigKey.WebhookPolicy webhookPolicy, int conflictLimit, BigDecimal startingBalance,
                        long marketSeed, Duration marketTick, Duration pollTimeout, Duration conflictPause,
                        Duration maxBackoff, SendLimits sendLimits, AlertPolicy alerts) {

    /** The bot as configured, talking to {@code apiUrl} with {@code token} (the sandbox's when none is set). */
    public static BotConfig from(Settings settings, BotToken token, String apiUrl) {
        return new BotConfig(token, apiUrl, settings.instanceName(), settings.chatIds(ConfigKey.BOT_ADMIN_CHATS),
                settings.duration(ConfigKey.BOT_LEASE_TTL), settings.choice(ConfigKey.BOT_WEBHOOK_POLICY, ConfigKey.WebhookPolicy.class),
                settings.integer(ConfigKey.BOT_CONFLICT_LIMIT), BigDecimal.valueOf(settings.longValue(ConfigKey.BOT_STARTING_BALANCE)),
                settings.longValue(ConfigKey.BOT_MARKET_SEED), settings.duration(ConfigKey.BOT_MARKET_TICK), Duration.ofSeconds(50),
                Duration.ofSeconds(1), Duration.ofMinutes(1), SendLimits.TELEGRAM,
                AlertPolicy.defaults(settings.duration(ConfigKey.BOT_ALERT_REMINDER)));
    }

    public BotConfig withSendLimits(SendLimits limits) {
        return new BotConfig(token, apiUrl, instanceName, adminChats, leaseTtl, webhookPolicy, conflictLimit, startingBalance,
                marketSeed, marketTick, pollTimeout, conflictPause, maxBackoff, limits, alerts);
    }

    public BotConfig withPollTimeout(Duration timeout) {
        return new BotConfig(token, apiUrl, instanceName, adminChats, leaseTtl, webhookPolicy, conflictLimit, startingBalance,
                marketSeed, marketTick, timeout, conflictPause, maxBackoff, sendLimits, alerts);
    }

    public BotConfig withApiUrl(String url) {
        return new BotConfig(token, url, instanceName, adminChats, leaseTtl, webhookPolicy, conflictLimit, startingBalance,
                marketSeed, marketTick, pollTimeout, conflictPause, maxBackoff, sendLimits, alerts);
    }

    public BotConfig withAlerts(AlertPolicy policy) {
        return new BotConfig(token, apiUrl, instanceName, adminChats, leaseTtl, webhookPolicy, conflictLimit, startingBalance,
                marketSeed, marketTick, pollTimeout, conflictPause, maxBackoff, sendLimits, policy);
    }

    /**
     * How admin alerts are sent: a reminder while an alert stays active, at most one message per rule per
     * {@code perRuleInterval} (a flapping rule is coalesced to its latest state), and at most
     * {@code perMinute} alert messages per minute in all.
     */
    public record AlertPolicy(Duration reminder, Duration perRuleInterval, int perMinute) {
        public static AlertPolicy defaults(Duration reminder) {
            return new AlertPolicy(reminder, Duration.ofMinutes(1), 20);
        }
    }
}
