package dev.botops.bot.telegram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BotTokenTest {
    private static final String SECRET = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";

    @Test
    void theTokenNeverAppearsInItsStringForm() {
        BotToken token = new BotToken(SECRET);
        assertThat(token.toString()).doesNotContain(SECRET).contains(token.id());
    }

    @Test
    void theIdIsAShortStableHashNotTheToken() {
        assertThat(new BotToken(SECRET).id()).hasSize(12).matches("[0-9a-f]+").isEqualTo(new BotToken(SECRET).id())
                .isNotEqualTo(new BotToken("1:other").id());
    }

    @Test
    void redactMasksTheTokenInUrlsAndMessages() {
        BotToken token = new BotToken("42:short");
        assertThat(token.redact("POST https://api.telegram.org/bot42:short/getUpdates failed")).doesNotContain("42:short");
    }

    @Test
    void aMalformedTokenIsRejectedWithoutEchoingIt() {
        assertThatThrownBy(() -> new BotToken("has space")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("has space");
    }
}
