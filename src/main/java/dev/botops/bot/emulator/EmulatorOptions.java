package dev.botops.bot.emulator;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How an emulator behaves: the bot's identity, the first update id it hands out, the flood limits, and the
 * faults it answers every call of a method with from the start (a Bot API server that differs from Telegram).
 *
 * @param firstUpdateId  update ids start here; a sandbox that restarts on the same database starts above the
 *                       ids it already used, because the bot remembers processed update ids
 * @param standingFaults method name (any case) or {@code *} for every method, to the fault that answers each call
 */
public record EmulatorOptions(long botId, String botUsername, long firstUpdateId, FloodLimits floodLimits,
                              Map<String, Fault> standingFaults) {
    public static final EmulatorOptions DEFAULTS = new EmulatorOptions(7_000_001L, "botops_sandbox_bot", 1, FloodLimits.TELEGRAM);

    public EmulatorOptions {
        standingFaults = Map.copyOf(standingFaults);
    }

    public EmulatorOptions(long botId, String botUsername, long firstUpdateId, FloodLimits floodLimits) {
        this(botId, botUsername, firstUpdateId, floodLimits, Map.of());
    }

    public EmulatorOptions withFirstUpdateId(long id) {
        return new EmulatorOptions(botId, botUsername, id, floodLimits, standingFaults);
    }

    public EmulatorOptions withFloodLimits(FloodLimits limits) {
        return new EmulatorOptions(botId, botUsername, firstUpdateId, limits, standingFaults);
    }

    /** Every call of {@code method} ({@code *}: of every method) is answered with {@code fault}. */
    public EmulatorOptions withStandingFault(String method, Fault fault) {
        Map<String, Fault> all = new LinkedHashMap<>(standingFaults);
        all.put(method.toLowerCase(Locale.ROOT), fault);
        return new EmulatorOptions(botId, botUsername, firstUpdateId, floodLimits, all);
    }
}
