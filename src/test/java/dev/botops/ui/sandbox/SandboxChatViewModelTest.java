package dev.botops.ui.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.botops.bot.emulator.SentMessage;
import dev.botops.ui.common.TaskExecutor;
import dev.botops.ui.sandbox.SandboxChatViewModel.ChatLine;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Talking to the bot as the sandbox user, against a fake of the sandbox: no bot, no database. */
class SandboxChatViewModelTest {
    private final FakeSandbox sandbox = new FakeSandbox();

    private SandboxChatViewModel started() {
        SandboxChatViewModel model = new SandboxChatViewModel(sandbox, TaskExecutor.sameThread(), Runnable::run);
        model.start();
        return model;
    }

    @Test
    void typedMessagesAppearAtOnceAndTheBotsRepliesFollow() {
        SandboxChatViewModel model = started();

        model.draft().set("/start");
        model.send();

        assertThat(model.draft().get()).isEmpty();
        assertThat(sandbox.posted).containsExactly("/start");
        assertThat(model.lines()).singleElement().satisfies(line -> {
            assertThat(line.fromUser()).isTrue();
            assertThat(line.text()).isEqualTo("/start");
        });

        sandbox.reply(SandboxChatViewModel.USER_ID, "Welcome to paper trading");

        assertThat(model.lines()).extracting(ChatLine::fromUser, ChatLine::text).last()
                .isEqualTo(org.assertj.core.groups.Tuple.tuple(false, "Welcome to paper trading"));
    }

    @Test
    void repliesSentBeforeTheScreenOpenedAreShownOnce() {
        sandbox.reply(SandboxChatViewModel.USER_ID, "Welcome back");
        sandbox.deliverAgainOnSubscribe = true;

        SandboxChatViewModel model = started();

        assertThat(model.lines()).extracting(ChatLine::text).containsExactly("Welcome back");
    }

    @Test
    void blankInputIsNotSent() {
        SandboxChatViewModel model = started();

        model.draft().set("   ");
        model.send();

        assertThat(model.lines()).isEmpty();
        assertThat(sandbox.posted).isEmpty();
    }

    @Test
    void onlyRepliesToTheSandboxUserAppear() {
        SandboxChatViewModel model = started();

        sandbox.reply(99, "NVDA: $120.00");

        assertThat(model.lines()).isEmpty();
    }

    @Test
    void stopLetsGoOfTheReplies() {
        SandboxChatViewModel model = started();

        model.stop();
        sandbox.reply(SandboxChatViewModel.USER_ID, "after the screen stopped");

        assertThat(model.lines()).isEmpty();
        assertThat(sandbox.listeners).isEmpty();
    }

    /** The sandbox Bot API as the chat's port shows it. */
    private static final class FakeSandbox implements SandboxSource {
        final List<Listener> listeners = new CopyOnWriteArrayList<>();
        final List<SentMessage> sent = new ArrayList<>();
        final List<String> posted = new ArrayList<>();
        boolean deliverAgainOnSubscribe;
        private long nextId = 1;

        record Listener(long chatId, Consumer<SentMessage> consumer) {
        }

        void reply(long chatId, String text) {
            SentMessage message = new SentMessage(nextId++, chatId, text, Instant.now(), System.nanoTime());
            sent.add(message);
            listeners.stream().filter(l -> l.chatId() == chatId).forEach(l -> l.consumer().accept(message));
        }

        @Override
        public Runnable subscribe(long chatId, Consumer<SentMessage> listener) {
            Listener entry = new Listener(chatId, listener);
            listeners.add(entry);
            if (deliverAgainOnSubscribe) {
                // A reply sent while the screen subscribes arrives both as an event and in the list of earlier ones.
                sentTo(chatId).forEach(listener);
            }
            return () -> listeners.remove(entry);
        }

        @Override
        public List<SentMessage> sentTo(long chatId) {
            return sent.stream().filter(m -> m.chatId() == chatId).toList();
        }

        @Override
        public long post(long userId, String userName, String text) {
            posted.add(text);
            return posted.size();
        }
    }
}
