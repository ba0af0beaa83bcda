package dev.botops.bot.emulator;

import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/** Telegram's flood control for sendMessage: a bucket per chat (private or group) and one for the bot. */
final class FloodControl {
    private final FloodLimits limits;
    private final Map<Long, FloodBucket> chats = new HashMap<>();
    private FloodBucket global;
    private int rejections;

    FloodControl(FloodLimits limits) {
        this.limits = limits;
    }

    /** Zero when the message may be sent (and it is counted), else the retry_after to answer with. */
    synchronized Duration admit(long chatId, long now) {
        if (!limits.enforced()) {
            return Duration.ZERO;
        }
        if (global == null) {
            global = new FloodBucket(limits.globalBurst(), limits.globalInterval(), now);
        }
        FloodBucket chat = chats.computeIfAbsent(chatId, id -> id < 0
                ? new FloodBucket(limits.groupBurst(), limits.groupInterval(), now)
                : new FloodBucket(limits.privateBurst(), limits.privateInterval(), now));
        if (!chat.available(now)) {
            rejections++;
            return chat.take(now);
        }
        Duration wait = global.take(now);
        if (!wait.isZero()) {
            rejections++;
            return wait;
        }
        chat.take(now);
        forgetIdleChats(now);
        return Duration.ZERO;
    }

    private void forgetIdleChats(long now) {
        if (chats.size() < 10_000) {
            return;
        }
        for (Iterator<FloodBucket> it = chats.values().iterator(); it.hasNext(); ) {
            if (it.next().full(now)) {
                it.remove();
            }
        }
    }

    synchronized int rejections() {
        return rejections;
    }
}
