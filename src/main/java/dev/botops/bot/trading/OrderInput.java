package dev.botops.bot.trading;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** Validation of what users type as symbols and quantities; each problem has its own friendly reply. */
final class OrderInput {
    static final int MAX_QUANTITY_DECIMALS = 2;
    static final BigDecimal MAX_QUANTITY = new BigDecimal("1000000");
    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)");
    private static final int ECHO_LIMIT = 20;

    private OrderInput() {
    }

    /** A parsed quantity, or the reply explaining what is wrong with it. */
    record Quantity(BigDecimal value, String problem) {
        boolean valid() {
            return problem == null;
        }
    }

    static Quantity quantity(String text) {
        if (!NUMBER.matcher(text).matches()) {
            return new Quantity(null, "\"" + echo(text) + "\" is not a quantity. Use a number such as 2 or 0.5.");
        }
        if (text.replaceFirst("^[+-]?0*", "").replace(".", "").length() > 30) {
            return new Quantity(null, "That quantity is too large: at most 1,000,000 per order.");
        }
        BigDecimal value = new BigDecimal(text);
        if (value.signum() < 0) {
            return new Quantity(null, "The quantity must be positive, not " + echo(text) + ".");
        }
        if (value.signum() == 0) {
            return new Quantity(null, "The quantity must be more than zero.");
        }
        if (value.stripTrailingZeros().scale() > MAX_QUANTITY_DECIMALS) {
            return new Quantity(null, "Quantities have at most " + MAX_QUANTITY_DECIMALS + " decimal places; " + echo(text) + " has more.");
        }
        if (value.compareTo(MAX_QUANTITY) > 0) {
            return new Quantity(null, "That quantity is too large: at most 1,000,000 per order.");
        }
        return new Quantity(value.stripTrailingZeros(), null);
    }

    /** The listed symbol the user meant (any case), or empty. */
    static Optional<String> symbol(String text) {
        String upper = text.toUpperCase(Locale.ROOT);
        return MarketSimulator.OPENING_PRICES.containsKey(upper) ? Optional.of(upper) : Optional.empty();
    }

    static String unknownSymbol(String text) {
        return "Unknown symbol \"" + echo(text) + "\". Symbols: " + String.join(", ", MarketSimulator.symbols()) + ".";
    }

    /** User text quoted back in a reply: short, single line. */
    static String echo(String text) {
        String oneLine = text.replaceAll("\\s+", " ");
        if (oneLine.codePointCount(0, oneLine.length()) <= ECHO_LIMIT) {
            return oneLine;
        }
        return oneLine.substring(0, oneLine.offsetByCodePoints(0, ECHO_LIMIT)) + "…";
    }
}
