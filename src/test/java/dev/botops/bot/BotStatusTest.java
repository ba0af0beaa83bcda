package dev.botops.bot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.botops.bot.emulator.Fault;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The bot's status carries everything an instance publishes to the fleet: state, counters, send queue, last error. */
class BotStatusTest {
    @RegisterExtension
    final BotFixture fixture = new BotFixture();

    @Test
    void statusCountsUpdatesPerMinuteConflictsRateLimitsAndKeepsTheLastErrorMasked() {
        BotService bot = fixture.pollingBot("counted");
        BotStatus fresh = bot.status();
        assertThat(fresh.updates()).isZero();
        assertThat(fresh.updatesPerMinute()).isZero();
        assertThat(fresh.lastError()).isEmpty();
        assertThat(fresh.lastErrorAt()).isEmpty();

        fixture.ask(71, "/start");
        fixture.ask(72, "/price aapl");
        fixture.ask(73, "/balance");
        fixture.emulator().inject("getUpdates", Fault.conflict());
        fixture.emulator().inject("getUpdates", Fault.tooManyRequests(Duration.ofSeconds(1)));
        fixture.emulator().inject("getUpdates", Fault.answer(503, "text/plain", "down for maintenance at /bot" + BotHarness.TOKEN.value()));
        fixture.ask(74, "/help");

        // Past every fault: the long poll after them is open, and every reply is out.
        await().atMost(Duration.ofSeconds(20)).until(() -> fixture.emulator().pendingFaults("getUpdates") == 0
                && fixture.emulator().openPolls() == 1 && bot.status().sendQueue() == 0);
        BotStatus status = bot.status();
        assertThat(status.updates()).isEqualTo(4);
        assertThat(status.updatesPerMinute()).isEqualTo(4);
        assertThat(status.conflicts()).isEqualTo(1);
        assertThat(status.rateLimited()).isEqualTo(1);
        assertThat(status.errors()).isEqualTo(1);
        assertThat(status.unreadableAnswers()).isZero();
        assertThat(status.lastError()).isEqualTo("getUpdates answered HTTP 503: down for maintenance at /bot****");
        assertThat(status.lastErrorAt()).isPresent();
    }
}
