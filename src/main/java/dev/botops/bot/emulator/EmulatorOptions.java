package dev.botops.bot.emulator;

/**
 * How an emulator behaves: the bot's identity, the first update id it hands out, and the flood limits.
 *
 * @param firstUpdateId update ids start here; a sandbox that restarts on the same database starts above the
 *                      ids it already used, because the bot remembers processed update ids
 */
public record EmulatorOptions(long botId, String botUsername, long firstUpdateId, FloodLimits floodLimits) {
    public static final EmulatorOptions DEFAULTS = new EmulatorOptions(7_000_001L, "botops_sandbox_bot", 1, FloodLimits.TELEGRAM);

    public EmulatorOptions withFirstUpdateId(long id) {
        return new EmulatorOptions(botId, botUsername, id, floodLimits);
    }

    public EmulatorOptions withFloodLimits(FloodLimits limits) {
        return new EmulatorOptions(botId, botUsername, firstUpdateId, limits);
    }
}
