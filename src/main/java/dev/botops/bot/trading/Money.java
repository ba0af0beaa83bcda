package dev.botops.bot.trading;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.Locale;

/** How amounts and quantities are shown to users. Values stay exact; only the display rounds (to cents). */
final class Money {
    private Money() {
    }

    /** {@code $1,234.57} */
    static String dollars(BigDecimal amount) {
        DecimalFormat format = new DecimalFormat("#,##0.00", DecimalFormatSymbols.getInstance(Locale.ROOT));
        format.setRoundingMode(RoundingMode.HALF_EVEN);
        String text = format.format(amount.abs());
        return (amount.signum() < 0 ? "-$" : "$") + text;
    }

    /** {@code +$10.00} or {@code -$3.50}, for profit and loss. */
    static String signedDollars(BigDecimal amount) {
        return amount.signum() < 0 ? dollars(amount) : "+" + dollars(amount);
    }

    /** {@code 2}, {@code 0.5}: no trailing zeros, never scientific notation. */
    static String quantity(BigDecimal quantity) {
        BigDecimal stripped = quantity.stripTrailingZeros();
        return (stripped.scale() < 0 ? stripped.setScale(0) : stripped).toPlainString();
    }
}
