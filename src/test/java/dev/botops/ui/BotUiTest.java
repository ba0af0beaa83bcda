package dev.botops.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.botops.app.AppContext;
import dev.botops.bot.BotService;
import dev.botops.bot.BotState;
import dev.botops.bot.emulator.BotApiEmulator;
import dev.botops.bot.emulator.Fault;
import dev.botops.bot.emulator.UserMessage;
import dev.botops.testing.PostgresExtension;
import dev.botops.testing.TestDatabase;
import dev.botops.ui.sandbox.SandboxChatViewModel;
import dev.botops.ui.sandbox.SandboxChatViewModel.ChatLine;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.input.KeyCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The bot screen and the sandbox chat clicked through, headless, with the app's own bot running against its
 * sandbox Bot API on a real PostgreSQL; the FX thread never stalls for 100 ms.
 */
@ExtendWith(PostgresExtension.class)
class BotUiTest {
    private DashboardFixture ui;
    private BotService bot;
    private BotApiEmulator sandbox;

    @BeforeEach
    void open(TestDatabase db) throws Exception {
        // Leases left by an earlier test's app must not make this one stand by for a lease TTL.
        try (Connection c = db.admin().getConnection(); Statement s = c.createStatement()) {
            s.execute("DELETE FROM instance_lease");
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
        AppContext context = AppContext.start(db.settings(Map.of("bot.lease-ttl", "2s", "bot.conflict-limit", "3",
                "bot.market-tick", "1h")));
        bot = context.startBot(context.alerts());
        sandbox = context.sandbox().orElseThrow();
        ui = DashboardFixture.open(context);
        ui.until(() -> bot.status().state() == BotState.POLLING);
    }

    @AfterEach
    void close() throws Exception {
        ui.close();
    }

    @Test
    void stopAndStartTheBotFromTheBotScreen() {
        ui.clickOn("#nav-bot");
        ui.watchFxThread();
        ui.until(() -> text("#bot-state").equals("POLLING"));
        assertThat(text("#bot-lease-holder")).startsWith("this instance: " + bot.holderId());
        assertThat(disabled("#bot-start")).isTrue();

        ui.clickOn("#bot-stop");
        ui.until(() -> text("#bot-state").equals("STOPPED"));
        assertThat(bot.status().state()).isEqualTo(BotState.STOPPED);
        assertThat(text("#bot-reason")).contains("Stopped by the operator");
        assertThat(disabled("#bot-stop")).isTrue();

        ui.clickOn("#bot-start");
        ui.until(() -> text("#bot-state").equals("POLLING"));
        assertThat(bot.status().state()).isEqualTo(BotState.POLLING);
        assertThat(ui.longestFxStallMillis()).isLessThan(100);
    }

    @Test
    void a409StormShowsTheConflictBannerAndRetryRecovers() {
        ui.clickOn("#nav-bot");
        ui.watchFxThread();
        assertThat(visible("#bot-conflict-banner")).isFalse();
        sandbox.post(UserMessage.privateChat(42, "Calm", "/price aapl"));
        ui.until(() -> sandbox.sentTo(42).size() == 1);

        sandbox.inject("getUpdates", Fault.conflict(), 3);
        sandbox.post(UserMessage.privateChat(41, "Storm", "/help"));

        ui.until(() -> visible("#bot-conflict-banner"));
        assertThat(text("#bot-conflict-text")).contains("409 Conflict 3 times in a row");
        assertThat(text("#bot-state")).isEqualTo("CONFLICT");
        ui.until(() -> text("#bot-conflicts").equals("3"));

        ui.clickOn("#bot-retry");
        ui.until(() -> !visible("#bot-conflict-banner") && text("#bot-state").equals("POLLING"));
        ui.until(() -> sandbox.sentTo(41).size() == 1);
        ui.until(() -> activityTexts().stream().anyMatch(t -> t.startsWith("chat 41 → bot: /help")));
        assertThat(ui.longestFxStallMillis()).isLessThan(100);
    }

    @Test
    void sandboxChatGetsTheBotsRepliesToStartAndBuy() {
        ui.clickOn("#nav-sandbox-chat");
        ui.watchFxThread();

        ui.clickOn("#sandbox-input");
        ui.robot.write("/start");
        ui.clickOn("#sandbox-send");
        ui.until(() -> chat().size() == 2);
        assertThat(chat().get(0).text()).isEqualTo("/start");
        assertThat(chat().get(1).fromUser()).isFalse();
        assertThat(chat().get(1).text()).startsWith("Welcome to paper trading, " + SandboxChatViewModel.USER_NAME);

        ui.robot.write("/help").type(KeyCode.ENTER);
        ui.until(() -> chat().size() == 4);
        ui.robot.write("/buy AAPL 1").type(KeyCode.ENTER);
        ui.until(() -> chat().size() == 6);
        assertThat(chat().get(4).text()).isEqualTo("/buy AAPL 1");
        assertThat(chat().get(5).text()).isEqualTo("Bought 1 AAPL at $190.00 for $190.00. Cash left: $9,810.00.");
        assertThat(sandbox.sentTo(SandboxChatViewModel.USER_ID)).hasSize(3);
        assertThat(ui.longestFxStallMillis()).isLessThan(100);
    }

    private String text(String query) {
        return ui.onFx(() -> ui.node(query, Label.class).getText());
    }

    private boolean visible(String query) {
        return ui.onFx(() -> ui.node(query, Node.class).isVisible());
    }

    private boolean disabled(String query) {
        return ui.onFx(() -> ui.node(query, Button.class).isDisabled());
    }

    @SuppressWarnings("unchecked")
    private List<ChatLine> chat() {
        return ui.onFx(() -> List.copyOf(((ListView<ChatLine>) ui.node("#sandbox-chat", ListView.class)).getItems()));
    }

    @SuppressWarnings("unchecked")
    private List<String> activityTexts() {
        return ui.onFx(() -> ((ListView<dev.botops.ui.bot.BotViewModel.Activity>) ui.node("#bot-activity", ListView.class)).getItems()
                .stream().map(dev.botops.ui.bot.BotViewModel.Activity::text).toList());
    }
}
