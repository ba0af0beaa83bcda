package dev.botops.bot.telegram;

import dev.botops.bot.emulator.BotApiEmulator;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * For each test, a Bot API emulator and a {@link TelegramGateway} (the real TelegramBots client) pointed at it,
 * closed after the test. Register it with {@code @RegisterExtension final EmulatedGateway api = new EmulatedGateway(token, pollTimeout);}.
 */
public final class EmulatedGateway implements BeforeEachCallback, AfterEachCallback {
    private final BotToken token;
    private final Duration pollTimeout;
    private BotApiEmulator emulator;
    private TelegramGateway gateway;

    public EmulatedGateway(BotToken token, Duration pollTimeout) {
        this.token = token;
        this.pollTimeout = pollTimeout;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        emulator = BotApiEmulator.start(token.value());
        gateway = new TelegramGateway(token, emulator.baseUrl(), pollTimeout);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        gateway.close();
        emulator.close();
    }

    public BotApiEmulator emulator() {
        return emulator;
    }

    public TelegramGateway gateway() {
        return gateway;
    }

    /** A Bot API call (or the wait for a send) that is expected to fail. */
    public interface Call {
        Object run() throws Exception;
    }

    /** The failure of a call that must fail with a {@link BotApiException} (directly, or as the cause of a failed send). */
    public static BotApiException failureOf(Call call) {
        try {
            call.run();
        } catch (BotApiException e) {
            return e;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof BotApiException) {
                return (BotApiException) e.getCause();
            }
            throw new AssertionError("expected a BotApiException", e);
        } catch (Exception e) {
            throw new AssertionError("expected a BotApiException", e);
        }
        throw new AssertionError("expected a BotApiException, the call succeeded");
    }
}
