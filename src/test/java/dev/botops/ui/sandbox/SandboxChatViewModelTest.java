package dev.botops.ui.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.botops.bot.BotHarness;
import dev.botops.bot.BotService;
import dev.botops.bot.BotState;
import dev.botops.bot.emulator.FloodLimits;
import dev.botops.testing.PostgresExtension;
import dev.botops.testing.TestDatabase;
import dev.botops.testing.UiThread;
import dev.botops.ui.common.TaskExecutor;
import dev.botops.ui.sandbox.SandboxChatViewModel.ChatLine;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Talking to the bot through the emulator as the sandbox user; the test thread is the UI thread. */
@ExtendWith(PostgresExtension.class)
class SandboxChatViewModelTest {
    private final UiThread ui = new UiThread();
    private BotHarness harness;
    private SandboxChatViewModel model;

    @BeforeEach
    void start(TestDatabase testDb) {
        harness = BotHarness.start(testDb, FloodLimits.TELEGRAM, Map.of());
        BotService bot = harness.startBot("sandbox", c -> c);
        Awaitility.await().until(() -> bot.status().state() == BotState.POLLING);
        model = new SandboxChatViewModel(harness.emulator(), TaskExecutor.sameThread(), ui);
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    @Test
    void typedMessagesAppearAtOnceAndTheBotsRepliesFollow() {
        model.draft().set("/start");
        model.send();

        assertThat(model.draft().get()).isEmpty();
        assertThat(model.lines()).singleElement().satisfies(line -> {
            assertThat(line.fromUser()).isTrue();
            assertThat(line.text()).isEqualTo("/start");
        });
        ui.until(() -> model.lines().size() == 2);
        assertThat(model.lines().get(1).fromUser()).isFalse();
        assertThat(model.lines().get(1).text()).contains("Welcome");

        model.draft().set("/buy AAPL 2");
        model.send();
        ui.until(() -> model.lines().size() == 4);
        assertThat(model.lines().get(3).text()).isEqualTo("Bought 2 AAPL at $190.00 for $380.00. Cash left: $9,620.00.");
    }

    @Test
    void blankInputIsNotSent() {
        model.draft().set("   ");
        model.send();

        assertThat(model.lines()).isEmpty();
        assertThat(harness.emulator().pendingUpdates()).isZero();
    }

    @Test
    void onlyRepliesToTheSandboxUserAppear() {
        harness.ask(99, "/price aapl");
        model.draft().set("/price nvda");
        model.send();

        ui.until(() -> model.lines().size() == 2);
        assertThat(model.lines()).extracting(ChatLine::text).containsExactly("/price nvda", "NVDA: $120.00");
    }
}
