package dev.botops.app.desktop;

import dev.botops.bot.emulator.BotApiEmulator;
import dev.botops.bot.emulator.SentMessage;
import dev.botops.bot.emulator.UserMessage;
import dev.botops.ui.sandbox.SandboxSource;
import java.util.List;
import java.util.function.Consumer;

/** The sandbox chat's data from the sandbox Bot API this process's bot talks to. */
final class ServicesSandboxSource implements SandboxSource {
    private final BotApiEmulator sandbox;

    ServicesSandboxSource(BotApiEmulator sandbox) {
        this.sandbox = sandbox;
    }

    @Override
    public Runnable subscribe(long chatId, Consumer<SentMessage> listener) {
        Consumer<SentMessage> toChat = sent -> {
            if (sent.chatId() == chatId) {
                listener.accept(sent);
            }
        };
        sandbox.addListener(toChat);
        return () -> sandbox.removeListener(toChat);
    }

    @Override
    public List<SentMessage> sentTo(long chatId) {
        return sandbox.sentTo(chatId);
    }

    @Override
    public long post(long userId, String userName, String text) {
        return sandbox.post(UserMessage.privateChat(userId, userName, text));
    }
}
